import type { Command } from './command.js';

/** A command as `spectra --help` lists it, and where its code is. */
export interface CommandEntry {
  name: string;
  summary: string;
  /** The command's module, loaded only when it runs (or prints its own help). */
  load(): Promise<Command>;
}

/**
 * Every `spectra` command, in the order `spectra --help` lists them. The
 * modules load on demand, so a command parses and runs only its own code:
 * `spectra --help` loads none of them, and `spectra scan` neither the
 * exporters nor the threat, schedule or cluster commands (on Node 20 there is
 * no compile cache, and each module costs start-up time).
 */
export const COMMAND_INDEX: readonly CommandEntry[] = [
  {
    name: 'serve',
    summary: 'run the host headless: restate-server, the services and the browser UI',
    load: async () => (await import('./commands/serve-command.js')).serveCommand,
  },
  {
    name: 'scan',
    summary: 'run a campaign: validate, scan durably, match CVEs, print a summary',
    load: async () => (await import('./commands/scan-command.js')).scanCommand,
  },
  {
    name: 'attach',
    summary: 'follow a running campaign until it finishes',
    load: async () => (await import('./commands/campaign-commands.js')).attachCommand,
  },
  {
    name: 'campaigns',
    summary: 'list every campaign, newest first',
    load: async () => (await import('./commands/campaign-commands.js')).campaignsCommand,
  },
  {
    name: 'campaign',
    summary: "show a campaign's report (hosts, open ports, CVEs, audit trail)",
    load: async () => (await import('./commands/campaign-commands.js')).campaignCommand,
  },
  {
    name: 'approvals',
    summary: 'list campaigns waiting for approval, the one expiring first first',
    load: async () => (await import('./commands/approval-commands.js')).approvalsCommand,
  },
  {
    name: 'approve',
    summary: 'approve a waiting campaign (it then starts scanning)',
    load: async () => (await import('./commands/approval-commands.js')).approveCommand,
  },
  {
    name: 'reject',
    summary: 'reject a waiting campaign (it ends without touching the network)',
    load: async () => (await import('./commands/approval-commands.js')).rejectCommand,
  },
  {
    name: 'threats',
    summary: 'list threat records (one per CVE): known exploited (KEV) first, then most severe',
    load: async () => (await import('./commands/threat-commands.js')).threatsCommand,
  },
  {
    name: 'threat',
    summary: 'show one threat record: affected hosts, history, triage and notes',
    load: async () => (await import('./commands/threat-commands.js')).threatCommand,
  },
  {
    name: 'triage',
    summary: 'set the triage state of a threat and/or add a note',
    load: async () => (await import('./commands/threat-commands.js')).triageCommand,
  },
  {
    name: 'hosts',
    summary:
      'list every host campaigns have seen; search by address, network, port, service or product',
    load: async () => (await import('./commands/host-commands.js')).hostsCommand,
  },
  {
    name: 'host',
    summary: 'show one host: open ports, services with banners, CVEs, campaigns',
    load: async () => (await import('./commands/host-commands.js')).hostCommand,
  },
  {
    name: 'recheck',
    summary: "re-probe a threat's affected services now: verify a remediation or reopen it",
    load: async () => (await import('./commands/recheck-command.js')).recheckCommand,
  },
  {
    name: 'rematch',
    summary: "match existing campaigns' services against the current knowledge, without scanning",
    load: async () => (await import('./commands/rematch-command.js')).rematchCommand,
  },
  {
    name: 'schedule',
    summary: 'schedule a campaign once (--at) or repeatedly (--every), until unscheduled',
    load: async () => (await import('./commands/schedule-commands.js')).scheduleCommand,
  },
  {
    name: 'schedules',
    summary: 'list campaign schedules, next to run first',
    load: async () => (await import('./commands/schedule-commands.js')).schedulesCommand,
  },
  {
    name: 'unschedule',
    summary: 'remove a campaign schedule: no further runs start',
    load: async () => (await import('./commands/schedule-commands.js')).unscheduleCommand,
  },
  {
    name: 'feeds',
    summary:
      'import, list or remove feed files: NVD CVE JSON 2.0, FIRST EPSS CSV, CISA KEV catalog',
    load: async () => (await import('./commands/feed-commands.js')).feedsCommand,
  },
  {
    name: 'export',
    summary: 'export a campaign as nmap XML, CSV, JSON lines, DefectDojo, SARIF or an HTML report',
    load: async () => (await import('./commands/export-commands.js')).exportCommand,
  },
  {
    name: 'import',
    summary:
      'import an nmap or masscan XML file (-oX) as a campaign; its services are matched like a scan',
    load: async () => (await import('./commands/import-command.js')).importCommand,
  },
  {
    name: 'diff',
    summary:
      'what changed from campaign A to campaign B: hosts, ports, services, CVEs (exit 0 same, 1 different, 2 error)',
    load: async () => (await import('./commands/diff-command.js')).diffCommand,
  },
  {
    name: 'doctor',
    summary: 'check this machine: Node, restate-server, nmap, data dir, ports, Electron',
    load: async () => (await import('./commands/doctor-command.js')).doctorCommand,
  },
  {
    name: 'worker',
    summary:
      'serve only the Scanner (and re-checks) for a Restate cluster: no restate-server, no UI',
    load: async () => (await import('./commands/worker-command.js')).workerCommand,
  },
  {
    name: 'cluster',
    summary: 'run a loopback restate-server cluster for development and tests',
    load: async () => (await import('./commands/cluster-command.js')).clusterCommand,
  },
];
