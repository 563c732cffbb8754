import { Entity } from '@backstage/catalog-model';

/*
 * The rendered golden-path workspace and its pieces come with the
 * guardrails (@paved/plugin-golden-path-node); the owner group is this
 * module's own.
 */
export * from '@paved/plugin-golden-path-node/testUtils';

export const checkoutGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'team', children: [] },
};
