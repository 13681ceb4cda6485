/**
 * The detection tests' preset of the one app factory (test-app.ts): a fixed start of the
 * clock, the org policy under test, and devices that enroll and send from the office
 * address unless a test says otherwise (a Tor exit, a proxy's X-Forwarded-For).
 */
import type { AppDeps } from '../../../src/server/app';
import type { OrgPolicyInput } from '../../../src/shared/policy/org-policy';
import { createTestApp, type TestApp } from './test-app';
import type { TestDialect } from './test-store';

export type { SendOptions } from './test-app';
export type DetectionApp = TestApp;

export const OFFICE_IP = '203.0.113.10';

export function createDetectionApp(
  dialect: TestDialect,
  policy: OrgPolicyInput,
  deps: Partial<Pick<AppDeps, 'torList' | 'trustProxy' | 'asnData'>> = {},
): Promise<DetectionApp> {
  return createTestApp({
    dialect,
    policy,
    context: deps,
    startAt: Date.parse('2025-03-03T10:00:00Z'),
    remoteAddress: OFFICE_IP,
  });
}
