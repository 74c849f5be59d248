// Replaced by the Electron shell's narrow bridge.
export {};
