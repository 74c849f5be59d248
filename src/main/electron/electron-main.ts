// Replaced by the Electron shell.
export {};
