/**
 * The migration list, imported statically so the migrator needs no file-system scan
 * (works from a bundle and under tsx alike). Names sort in the order they run.
 */
import type { Migration } from 'kysely';
import * as initial from './20250601000000_initial';

export const MIGRATIONS: Record<string, Migration> = {
  '20250601000000_initial': initial,
};
