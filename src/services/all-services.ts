import { diagnosticsService } from './diagnostics/diagnostics-service.js';

/** Every service, object and workflow the endpoint serves: the one list the host registers. */
export const allServices = [diagnosticsService];
