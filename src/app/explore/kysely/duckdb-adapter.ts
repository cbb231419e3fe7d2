import { DialectAdapterBase, type Kysely, type MigrationLockOptions } from 'kysely';

/**
 * Kysely adapter for DuckDB: transactional DDL and `returning` are supported. The migration lock
 * is a no-op: DuckDB lets only one process open a warehouse file for writing, so two migrators
 * cannot run at once.
 */
export class DuckDbAdapter extends DialectAdapterBase {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }

  override get supportsReturning(): boolean {
    return true;
  }

  override async acquireMigrationLock(
    _db: Kysely<unknown>,
    _options: MigrationLockOptions,
  ): Promise<void> {}

  override async releaseMigrationLock(
    _db: Kysely<unknown>,
    _options: MigrationLockOptions,
  ): Promise<void> {}
}
