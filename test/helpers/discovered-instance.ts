import type { DiscoveredInstance } from '../../src/providers/discovery-types.js';

/** A running primary in cn-hangzhou as discovery lists it, with no name, zone or tags unless `over` says otherwise. */
export function discoveredInstance(id: string, over: Partial<DiscoveredInstance> = {}): DiscoveredInstance {
  return {
    instance: id,
    name: null,
    region: 'cn-hangzhou',
    zone: null,
    status: 'Running',
    replica: false,
    primary: null,
    createdAt: null,
    tags: {},
    ...over,
  };
}
