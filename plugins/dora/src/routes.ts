import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Delivery page. */
export const rootRouteRef = createRouteRef();
