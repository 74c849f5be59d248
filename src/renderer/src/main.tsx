import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { readShellConfig } from './backend/shell-config';
import { createSpectraBackend } from './backend/spectra-backend';
import { QueryClientProvider } from '@tanstack/react-query';
import { ConnectionProvider } from './features/connection/connection-context';
import { BackendProvider } from './queries/backend-context';
import { createQueryClient } from './queries/query-client';
import { createAppStore, StoreProvider } from './store/app-store';
import './styles.css';

// The composition root: reads what the shell announced, builds the backend
// client, the server-state cache and the client-state store, and renders.
const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
const root = createRoot(container);
try {
  const backend = createSpectraBackend(readShellConfig(document, window.location.href));
  const store = createAppStore();
  const queryClient = createQueryClient();
  root.render(
    <StrictMode>
      <BackendProvider backend={backend}>
        <QueryClientProvider client={queryClient}>
          <StoreProvider store={store}>
            <ConnectionProvider>
              <App />
            </ConnectionProvider>
          </StoreProvider>
        </QueryClientProvider>
      </BackendProvider>
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
