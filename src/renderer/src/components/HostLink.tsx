import { routeHref } from '../lib/route';

/** An address, linked to its host page (used wherever an address is shown). */
export function HostLink(props: { address: string; port?: number }) {
  return (
    <a
      className="mono"
      href={routeHref({ screen: 'host', address: props.address })}
      data-testid="host-link"
    >
      {props.address}
      {props.port === undefined ? '' : `:${props.port}`}
    </a>
  );
}
