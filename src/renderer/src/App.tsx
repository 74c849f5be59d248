export function App() {
  return (
    <main>
      <h1>Spectra-Red</h1>
      <p data-testid="app-ready">Durable network scanning workbench.</p>
    </main>
  );
}
