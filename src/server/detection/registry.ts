/**
 * Every detector the engine runs. A convention test (test/unit/server-detector-conventions)
 * fails when a file in detectors/ is missing here, lacks metadata, or lacks fixtures.
 */
import type { Detector } from './define-detector';
import excessiveDownloads from './detectors/excessive_downloads';

export const DETECTORS: readonly Detector[] = [excessiveDownloads];
