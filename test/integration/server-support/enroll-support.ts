/**
 * Enrolling as a script would (issue #10): any key, any token, from any source address,
 * answered as is (no throw), plus an app built with given enrollment settings.
 */
import type { LightMyRequestResponse } from 'fastify';
import { ENROLLMENT_DEFAULTS, type EnrollmentConfig } from '../../../src/server/enrollment/config';
import { createEnrollmentControls } from '../../../src/server/enrollment/controls';
import { enrollRequest, fakeDevice, signedHeaders, type FakeDevice } from '../../fixtures/server/fake-device';
import { createTestApp, type TestApp } from './test-app';
import type { TestDialect } from './test-store';

export async function createEnrollApp(dialect: TestDialect, settings: Partial<EnrollmentConfig>): Promise<TestApp> {
  return createTestApp({
    dialect,
    context: { enrollment: createEnrollmentControls({ ...ENROLLMENT_DEFAULTS, ...settings }) },
  });
}

export interface EnrollAttempt {
  device?: FakeDevice;
  token?: string;
  ip?: string;
}

export async function tryEnroll(
  t: TestApp,
  attempt: EnrollAttempt = {},
): Promise<{ res: LightMyRequestResponse; device: FakeDevice }> {
  const device = attempt.device ?? (await fakeDevice());
  const token = attempt.token ?? t.store.secrets.enrollmentToken;
  const payload = JSON.stringify(enrollRequest(device, token, { sentAt: t.clock.now }));
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/enroll',
    payload,
    headers: await signedHeaders(device, payload),
    remoteAddress: attempt.ip ?? '198.51.100.1',
  });
  return { res, device };
}

export async function deviceCount(t: TestApp): Promise<number> {
  const row = await t.store.db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
