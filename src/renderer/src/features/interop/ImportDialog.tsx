import { useState } from 'react';
import type { NmapImportResult } from '../../../../shared/interop';
import { describeBackendError } from '../../backend/spectra-backend';
import { routeHref } from '../../lib/route';
import { importNmapFile } from './interop-client';

/**
 * Import an nmap or masscan XML file (picked or dropped) as a campaign. The
 * host checks it whole and refuses it with the line and element of the
 * first problem; nothing is half-imported.
 */
export function ImportDialog() {
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | undefined>();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [result, setResult] = useState<NmapImportResult | undefined>();
  const [error, setError] = useState<string | undefined>();

  if (!open)
    return (
      <button type="button" data-testid="import-open" onClick={() => setOpen(true)}>
        Import nmap XML…
      </button>
    );
  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    setResult(undefined);
    setError(undefined);
  };
  return (
    <div
      role="dialog"
      aria-modal="false"
      aria-labelledby="import-title"
      className="panel"
      data-testid="import-dialog"
    >
      <h2 id="import-title">Import nmap or masscan XML</h2>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="import-drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          choose(event.dataTransfer.files[0]);
        }}
      >
        <label>
          File (<code>-oX</code> output), or drop it here{' '}
          <input
            type="file"
            accept=".xml,application/xml,text/xml"
            data-testid="import-file"
            onChange={(event) => choose(event.target.files?.[0])}
          />
        </label>
        {file ? <p className="muted">{file.name}</p> : null}
      </div>
      <label>
        Campaign name (optional){' '}
        <input
          type="text"
          value={name}
          maxLength={120}
          data-testid="import-name"
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <div className="form-actions">
        <button
          type="button"
          className="primary"
          data-testid="import-submit"
          disabled={!file || busy}
          onClick={() => {
            if (!file) return;
            setBusy(true);
            setError(undefined);
            importNmapFile(file, name.trim() || undefined)
              .then(setResult)
              .catch((failure: unknown) => setError(describeBackendError(failure)))
              .finally(() => setBusy(false));
          }}
        >
          {busy ? 'Importing…' : 'Import'}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      {error ? (
        <p className="notice error" role="alert" data-testid="import-error">
          {error}
        </p>
      ) : null}
      {result ? (
        <p className="notice" role="status" data-testid="import-result">
          {result.alreadyImported ? 'Already imported: ' : 'Imported: '}
          <a href={routeHref({ screen: 'campaign', campaignId: result.campaignId })}>
            {result.name}
          </a>{' '}
          ({result.scanner}): {result.hosts} hosts, {result.openPorts} open ports, {result.findings}{' '}
          findings.
        </p>
      ) : null}
    </div>
  );
}
