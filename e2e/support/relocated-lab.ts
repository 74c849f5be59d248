import { STANDARD_LAB, type LabDefinition } from '../../test/lab/loopback-lab';

/**
 * The standard vulnerable lab moved to another /24 of 127.0.0.0/8. Other
 * suites (and `npm run lab`) hold the standard lab's fixed addresses; the
 * products and versions, hence the expected CVEs, do not depend on them.
 */
export function relocatedStandardLab(prefix: string): LabDefinition {
  return {
    name: `${STANDARD_LAB.name} at ${prefix}.0/24`,
    services: STANDARD_LAB.services.map((service) => ({
      ...service,
      host: `${prefix}.${service.host.split('.')[3]}`,
    })),
  };
}
