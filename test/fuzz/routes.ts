/**
 * The routes to fuzz, read from the app itself: Fastify announces every instance it creates
 * on the `fastify.initialization` diagnostics channel, before any plugin is registered, so an
 * `onRoute` hook added there sees every route `buildApp` declares. A new route is fuzzed
 * without anyone listing it here; nothing depends on the OpenAPI document.
 */
import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';

export interface FuzzRoute {
  method: string;
  url: string;
  websocket: boolean;
  bodyLimit?: number;
}

/** Builds an app with `build` and returns it with every route it registered (HEAD twins left out). */
export async function withRoutes<T extends { app: FastifyInstance }>(
  build: () => Promise<T>,
): Promise<{ built: T; routes: FuzzRoute[] }> {
  const routes: FuzzRoute[] = [];
  const channel = diagnostics.channel('fastify.initialization');
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (route: RouteOptions & { websocket?: boolean }) => {
      for (const method of [route.method].flat()) {
        if (method === 'HEAD' || method === 'OPTIONS') continue;
        routes.push({ method, url: route.url, websocket: route.websocket === true, bodyLimit: route.bodyLimit });
      }
    });
  };
  channel.subscribe(onInit);
  try {
    const built = await build();
    await built.app.ready();
    return { built, routes: dedupe(routes) };
  } finally {
    channel.unsubscribe(onInit);
  }
}

function dedupe(routes: FuzzRoute[]): FuzzRoute[] {
  const seen = new Map<string, FuzzRoute>();
  for (const r of routes) seen.set(`${r.method} ${r.url}`, r);
  return [...seen.values()].sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));
}

/** `/api/verdicts/:id` with the given value in every parameter (and wildcard). */
export function fillPath(url: string, value: string): string {
  return url.replace(/:[A-Za-z_]+/g, value).replace(/\*/g, value);
}
