import { Stack, type Shape } from './stack/stack';

declare global {
  // Shared between Jest's global setup and teardown (same process).
  var e2eStack: Stack | undefined;
}

/** Starts the shape named by E2E_SHAPE (default: embedded) once for the whole e2e run. */
export default async function globalSetup(): Promise<void> {
  const shape: Shape = process.env.E2E_SHAPE === 'services' ? 'services' : 'embedded';
  const stack = await Stack.start(shape);
  globalThis.e2eStack = stack;
  process.env.E2E_BASE_URL = stack.baseUrl;
  process.env.E2E_GATEWAY_URLS = stack.gatewayUrls.join(',');
  process.env.E2E_SERVICE_URLS = [...stack.services.values()].map((service) => service.url).join(',');
}
