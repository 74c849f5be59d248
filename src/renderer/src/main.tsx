import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { readShellConfig } from './backend/shell-config';
import { createSpectraBackend } from './backend/spectra-backend';
import { createAppStore, StoreProvider } from './store/app-store';
import './styles.css';

// The composition root: reads what the shell announced, builds the backend
// client and the one store, and renders.
const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
const root = createRoot(container);
try {
  const backend = createSpectraBackend(readShellConfig(document, window.location.href));
  const store = createAppStore(backend);
  root.render(
    <StrictMode>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <main className="page">
      <h1>Spectra-Red cannot start</h1>
      <p className="notice error" role="alert" data-testid="startup-error">
        {(error as Error).message}
      </p>
    </main>,
  );
}
