export { openDatabase, databaseState, type Db } from './database.js';
export { migrate, type Migration } from './migrate.js';
export { GroupCommit } from './group-commit.js';
export { WalCheckpointer, walBytes, DEFAULT_IDLE_TRUNCATE_MS, type CheckpointRound, type WalCheckpointerOptions } from './wal-checkpointer.js';
