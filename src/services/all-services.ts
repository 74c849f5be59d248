import { approvalsObject } from './approvals/approvals-object.js';
import { campaignIndexObject } from './campaigns/campaign-index-object.js';
import { campaignResultsObject } from './campaigns/campaign-results-object.js';
import { campaignsService } from './campaigns/campaign-submission-service.js';
import { campaignWorkflow } from './campaigns/campaign-workflow.js';
import { createRecheckService } from './rechecks/recheck-service.js';
import { schedulesObject } from './schedules/schedules-object.js';
import { diagnosticsService } from './diagnostics/diagnostics-service.js';
import { createImportsService } from './interop/imports-service.js';
import { hostInventoryObject } from './hosts/host-inventory-object.js';
import { createKnowledgeProvider, type KnowledgeLocations } from './scanner/knowledge-provider.js';
import { createScannerService } from './scanner/scanner-service.js';
import { scanMarksObject } from './scope-locks/scan-marks-object.js';
import { scopeLocksObject } from './scope-locks/scope-locks-object.js';
import { threatIndexObject } from './threats/threat-index-object.js';
import { threatIntelObject } from './threats/threat-intel-object.js';

/** Every service, object and workflow the endpoint serves: the one list the host registers. */
export function createAllServices(knowledge: KnowledgeLocations) {
  // One provider: the rules are loaded and indexed once per process, for scans and re-checks.
  const loadKnowledge = createKnowledgeProvider(knowledge);
  return [
    diagnosticsService,
    campaignsService,
    campaignWorkflow,
    campaignResultsObject,
    campaignIndexObject,
    createScannerService(loadKnowledge),
    threatIntelObject,
    threatIndexObject,
    schedulesObject,
    createRecheckService(loadKnowledge),
    approvalsObject,
    scopeLocksObject,
    scanMarksObject,
    createImportsService(loadKnowledge),
    hostInventoryObject,
  ];
}
