import type { ParsedCampaignRequest } from '../../../../shared/campaign';
import type { ScanEngineName } from '../../../../shared/observation';
import { formatDuration } from '../../lib/format';
import { planOfRequest, scopeText, summarizeTargets } from './campaign-request-model';

/**
 * What a campaign asked for, in full: targets (summarised, the whole list one
 * click away), ports, scope with its sensitive networks, engine requested and
 * used, sizes and tuning. Shown on the campaign page and on approval cards.
 */
export function RequestSummary(props: {
  request: ParsedCampaignRequest;
  engineUsed?: ScanEngineName;
  compact?: boolean;
  testId?: string;
}) {
  const { request } = props;
  const targets = summarizeTargets(request.targets);
  const plan = planOfRequest(request);
  const sensitive = plan?.scope.networks.filter((network) => network.sensitive) ?? [];
  const engine =
    props.engineUsed && props.engineUsed !== request.engine
      ? `${request.engine} → ${props.engineUsed}`
      : (props.engineUsed ?? request.engine);
  return (
    <dl className="facts" data-testid={props.testId ?? 'request-summary'}>
      <dt>Targets</dt>
      <dd className="mono" data-testid="request-targets">
        {targets.lines.join(', ')}
        {targets.more > 0 ? (
          <details>
            <summary>
              and {targets.more.toLocaleString('en-US')} more line{targets.more === 1 ? '' : 's'}
            </summary>
            <pre className="request-targets">{request.targets}</pre>
          </details>
        ) : null}
      </dd>
      {request.exclusions ? (
        <>
          <dt>Excluded</dt>
          <dd className="mono">{request.exclusions}</dd>
        </>
      ) : null}
      <dt>Ports</dt>
      <dd className="mono" data-testid="request-ports">
        {request.ports}
      </dd>
      <dt>Scope</dt>
      <dd className="mono" data-testid="request-scope">
        {scopeText(request.scope)}
      </dd>
      {sensitive.length > 0 ? (
        <>
          <dt>Sensitive</dt>
          <dd data-testid="request-sensitive">
            {sensitive.map((network) => network.network).join(', ')}
            {plan && plan.scope.sensitiveTargets.length > 0
              ? ` (targets inside: ${plan.scope.sensitiveTargets.join(', ')})`
              : ''}
          </dd>
        </>
      ) : null}
      <dt>Size</dt>
      <dd data-testid="request-size">
        {plan
          ? `${plan.hostCount.toLocaleString('en-US')} hosts × ${plan.portCount.toLocaleString('en-US')} ports = ${plan.probeCount.toLocaleString('en-US')} probes in ${plan.batchCount.toLocaleString('en-US')} batches`
          : '—'}
      </dd>
      <dt>Engine</dt>
      <dd data-testid="request-engine">
        {engine}
        {request.serviceDetection ? ' with service detection (intrusive)' : ''}
      </dd>
      {props.compact ? null : (
        <>
          <dt>Tuning</dt>
          <dd>
            batch {request.batchSize ?? plan?.batchSize ?? '—'}
            {request.batchesInFlight ? `, ${request.batchesInFlight} in flight` : ''}
            {request.connectTimeoutMs ? `, timeout ${request.connectTimeoutMs} ms` : ''}
            {request.ratePerSecond ? `, at most ${request.ratePerSecond}/s` : ''}
          </dd>
          <dt>Approval</dt>
          <dd>
            {request.approval ?? 'auto'}
            {request.approvalTimeoutMs
              ? `, decision within ${formatDuration(request.approvalTimeoutMs)}`
              : ''}
          </dd>
        </>
      )}
    </dl>
  );
}
