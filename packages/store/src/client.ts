import { createReadStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { type QueryPriority, SchedulerBusyError, type SchedulerStats, StatementScheduler } from './schedule/scheduler';
import { Spool } from './write/spool';

type ChdbExtension = ReturnType<typeof createChdbConnection>['chdb'];

/** The text format of `insertRows` (small inserts built by hand, e.g. derived metrics). */
const TEXT_ROW_FORMAT = 'JSONCompactEachRow';

/**
 * Partitions one insert may touch before it fails. The receivers accept record times within
 * retention only (ingest.maxClockSkew), so a group commit of valid data stays well under it;
 * past it something unbounded got through, and failing that insert is cheaper for every
 * tenant than writing one part per day it names.
 */
export const DEFAULT_MAX_PARTITIONS_PER_INSERT = 100;

export interface ConnectOptions {
  /** Embedded chDB data directory (default engine). */
  dataDir?: string;
  /** A ClickHouse server (or cluster entry point) instead of the embedded engine. */
  url?: string;
  /** See DEFAULT_MAX_PARTITIONS_PER_INSERT. */
  maxPartitionsPerInsert?: number;
}

type EmbeddedConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export type QueryParams = Record<string, unknown>;

export interface QueryLimits {
  /** Hard cap on rows returned; the SQL should also carry a LIMIT. */
  maxRows?: number;
  maxExecutionSeconds?: number;
  maxMemoryBytes?: number;
  /** Interactive statements (API reads) run before background ones (default). */
  priority?: QueryPriority;
  /**
   * false: `x IN (subquery)` filters rows without narrowing the read by the primary key first.
   * For a statement whose id set covers most granules anyway, that analysis is pure cost.
   */
  primaryKeyForInSubqueries?: boolean;
}

const DEFAULT_LIMITS: Required<QueryLimits> = {
  maxRows: 100_000,
  maxExecutionSeconds: 30,
  maxMemoryBytes: 1024 ** 3,
  priority: 'background',
  primaryKeyForInSubqueries: true,
};

/**
 * Statements handed to embedded chDB at once. It executes bound statements one at a time in
 * the process, so more only lengthens its own first-come queue, where priorities do not
 * apply. One, because a read that fails after its first rows were written leaves them in the
 * connection, and chDB hands them to the next statement as the start of its result (another
 * request's, perhaps another tenant's): a failed read is followed by a statement that takes
 * them (see read), and none may be waiting in chDB's queue before it.
 */
const EMBEDDED_CONCURRENCY = 1;

/** A query failed because it hit one of its limits (answered 503/422, never a crash). */
export class QueryLimitError extends Error {
  override readonly name = 'QueryLimitError';
}

/**
 * The only way tracehouse talks to ClickHouse: `@clickhouse/client` over either chDB
 * in-process or HTTP to a server, so there is one SQL code path.
 *
 * Settings are put in each statement's SETTINGS clause, never in `clickhouse_settings`:
 * the chDB connection turns those into session-wide `SET`s that would leak into later
 * queries. Queries are bounded in number (chDB materialises each result whole in the
 * Node heap), in rows, time and memory.
 */
export class Sql {
  private readonly scheduler: StatementScheduler;
  private readonly insertSettings: Record<string, number>;
  /** The same settings as an SQL `SETTINGS` list, built once (every insert needs it). */
  private readonly insertSettingsSql: string;
  /** The priority of reads that do not name one (see withPriority). */
  private defaultPriority: QueryPriority = DEFAULT_LIMITS.priority;

  private constructor(
    readonly client: ClickHouseClient,
    readonly engine: 'embedded' | 'server',
    maxConcurrentQueries: number,
    maxPartitionsPerInsert: number,
    private readonly raw?: ChdbExtension,
    private readonly spool?: Spool,
  ) {
    this.insertSettings = {
      max_partitions_per_insert_block: maxPartitionsPerInsert,
      throw_on_max_partitions_per_insert_block: 1,
    };
    this.insertSettingsSql = Object.entries(this.insertSettings)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ');
    const concurrency =
      engine === 'embedded' ? Math.min(EMBEDDED_CONCURRENCY, maxConcurrentQueries) : maxConcurrentQueries;
    this.scheduler = new StatementScheduler({ concurrency });
  }

  static connect(opts: ConnectOptions, maxConcurrentQueries = 4): Sql {
    const partitions = opts.maxPartitionsPerInsert ?? DEFAULT_MAX_PARTITIONS_PER_INSERT;
    if (opts.url) {
      const client = createClient({ url: opts.url, request_timeout: 60_000 });
      return new Sql(client, 'server', maxConcurrentQueries, partitions);
    }
    const dir = resolve(opts.dataDir ?? './data');
    mkdirSync(dir, { recursive: true });
    // chdb bundles its own copy of @clickhouse/client-common; the interface is the same.
    const chdb = createChdbConnection({ path: dir });
    const connection = chdb as unknown as EmbeddedConnection;
    return new Sql(
      createClient({ connection }),
      'embedded',
      maxConcurrentQueries,
      partitions,
      chdb.chdb,
      Spool.create(),
    );
  }

  /**
   * The same connection and scheduler, whose reads default to `priority` (a read's own limits
   * still win): a reader shared by API requests and background work (the Prometheus view) is
   * given one per role.
   */
  withPriority(priority: QueryPriority): Sql {
    const view = Object.create(this) as Sql;
    view.defaultPriority = priority;
    return view;
  }

  /** Runs a SELECT with bound parameters and returns its rows (JSONEachRow). */
  async query<T>(sql: string, params: QueryParams = {}, limits: QueryLimits = {}): Promise<T[]> {
    return this.jsonRows<T>('JSONEachRow', sql, params, limits);
  }

  /**
   * Runs a SELECT with bound parameters and returns each row as an array in the SELECT's
   * column order (JSONCompactEachRow): for many-row results, no key is written and parsed per
   * value (measured ~25% cheaper than `query` for 75k span rows).
   */
  async queryCompact<T extends unknown[]>(
    sql: string,
    params: QueryParams = {},
    limits: QueryLimits = {},
  ): Promise<T[]> {
    return this.jsonRows<T>('JSONCompactEachRow', sql, params, limits);
  }

  private jsonRows<T>(
    format: 'JSONEachRow' | 'JSONCompactEachRow',
    sql: string,
    params: QueryParams,
    limits: QueryLimits,
  ): Promise<T[]> {
    return this.read(limits, async (settings) => {
      const rs = await this.client.query({ query: `${sql}\nSETTINGS ${settings}`, query_params: params, format });
      return rs.json<T>();
    });
  }

  /**
   * Runs a SELECT with bound parameters and returns its result in ClickHouse's Native format:
   * for large numeric results (PromQL samples), which cost several times less to produce and
   * read than JSON (see prometheus/nativeColumns.ts).
   */
  queryNative(sql: string, params: QueryParams = {}, limits: QueryLimits = {}): Promise<Buffer> {
    return this.bytes('Native', sql, params, limits);
  }

  /**
   * Runs a SELECT with bound parameters and returns its rows in ClickHouse's RowBinary format,
   * to be read with a RowBinaryReader: for many-row results of strings (the service graph's
   * spans), which ClickHouse writes for about a third of the CPU of JSON.
   */
  queryRowBinary(sql: string, params: QueryParams = {}, limits: QueryLimits = {}): Promise<Buffer> {
    return this.bytes('RowBinary', sql, params, limits);
  }

  private bytes(
    format: 'Native' | 'RowBinary',
    sql: string,
    params: QueryParams,
    limits: QueryLimits,
  ): Promise<Buffer> {
    return this.read(limits, async (settings) => {
      const { stream } = await this.client.exec({
        query: `${sql}\nSETTINGS ${settings}\nFORMAT ${format}`,
        query_params: params,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    });
  }

  /** One read statement under its limits and priority; `run` gets the SETTINGS list. */
  private async read<T>(limits: QueryLimits, run: (settings: string) => Promise<T>): Promise<T> {
    const l = { ...DEFAULT_LIMITS, priority: this.defaultPriority, ...limits };
    const settings = [
      `max_result_rows = ${l.maxRows}`,
      `result_overflow_mode = 'throw'`,
      `max_execution_time = ${l.maxExecutionSeconds}`,
      `max_memory_usage = ${l.maxMemoryBytes}`,
      // NaN and infinities in Float64 columns come back as strings instead of null.
      'output_format_json_quote_denormals = 1',
      // Readers alias converted columns to their own names (toString(...) AS Timestamp);
      // WHERE and ORDER BY must still see the real column.
      'prefer_column_name_to_alias = 1',
      ...(l.primaryKeyForInSubqueries ? [] : ['use_index_for_in_with_subqueries = 0']),
    ].join(', ');
    try {
      // A statement that could not even start within its own time limit fails instead of piling up.
      return await this.scheduler.run(l.priority, () => this.drained(run(settings)), l.maxExecutionSeconds * 1000);
    } catch (err) {
      throw classify(err);
    }
  }

  /**
   * A read's result; embedded, when it fails, the output it left in the connection is taken by
   * a statement of its own before the next read can start (see EMBEDDED_CONCURRENCY).
   */
  private async drained<T>(result: Promise<T>): Promise<T> {
    try {
      return await result;
    } catch (err) {
      if (this.engine === 'embedded') await this.client.command({ query: 'SELECT 1' }).catch(() => {});
      throw err;
    }
  }

  /** DDL and other statements that return nothing (background priority). */
  async command(sql: string, params: QueryParams = {}): Promise<void> {
    await this.scheduler.run('background', () => this.client.command({ query: sql, query_params: params }));
  }

  /** Statements running and waiting, per priority (for /metrics). */
  schedulerStats(): SchedulerStats {
    return this.scheduler.stats();
  }

  /**
   * Inserts pre-serialised JSONCompactEachRow lines into the named columns (the others take
   * their defaults). Embedded, the bytes go to chDB's raw insert: handed over without a copy
   * into the query text and parsed by ClickHouse's parallel parser, measured about 1.5x
   * faster than inline data. A server gets the same statement with the data inline.
   * `table` and `columns` come from the schema, never from input.
   */
  async insertRows(table: string, columns: readonly string[], body: string): Promise<void> {
    if (this.raw) {
      await this.raw.rawInsert({
        table,
        columns,
        values: Buffer.from(body),
        format: TEXT_ROW_FORMAT,
        settings: this.insertSettings,
      });
      return;
    }
    await this.client.command({
      query: `INSERT INTO ${insertTarget(table, columns)} SETTINGS ${this.insertSettingsSql} FORMAT ${TEXT_ROW_FORMAT}\n${body}`,
    });
  }

  /**
   * Inserts RowBinary rows (`structure` is their `name type, ...` list) into the named columns.
   * Embedded, chDB's raw insert takes text formats only, so the bytes go through a spool file
   * in memory that `INSERT ... SELECT FROM file()` reads in-process (measured ~3x cheaper for
   * ClickHouse to parse than JSONCompactEachRow). A server gets the same bytes as the body of
   * `INSERT ... FORMAT RowBinary`. Either way it resolves once the rows are written.
   * `select` (default `*`) computes the columns from the structure's fields when they differ
   * (a server then reads the bytes through `input()`). `table`, `columns`, `structure` and
   * `select` come from the schema, never from input.
   */
  async insertRowBinary(
    table: string,
    columns: readonly string[],
    structure: string,
    chunks: readonly Uint8Array[],
    select = '*',
  ): Promise<void> {
    const target = insertTarget(table, columns);
    if (this.raw && this.spool) {
      const { raw } = this;
      await this.spool.with(chunks, (path) => raw.queryAsync(this.fileInsertSql(target, select, path, structure)));
      return;
    }
    const from = select === '*' ? '' : ` SELECT ${select} FROM input(${quote(structure)})`;
    await this.bodyInsert(
      `${target} SETTINGS ${this.insertSettingsSql}${from}`,
      Readable.from(chunks, { objectMode: false }),
    );
  }

  /**
   * Inserts the RowBinary rows of a file on this machine (a journal segment): embedded, chDB
   * reads it in place with `file()`; a server gets its bytes as the body. As insertRowBinary.
   */
  async insertRowBinaryFile(table: string, columns: readonly string[], structure: string, path: string): Promise<void> {
    const target = insertTarget(table, columns);
    if (this.raw) {
      await this.raw.queryAsync(this.fileInsertSql(target, '*', path, structure));
      return;
    }
    await this.bodyInsert(`${target} SETTINGS ${this.insertSettingsSql}`, createReadStream(path));
  }

  /** Embedded: an insert that reads RowBinary rows from a file on this machine, in-process. */
  private fileInsertSql(target: string, select: string, path: string, structure: string): string {
    return `INSERT INTO ${target} SETTINGS ${this.insertSettingsSql} SELECT ${select} FROM file(${quote(path)}, 'RowBinary', ${quote(structure)})`;
  }

  /** A server: `INSERT INTO <into> FORMAT RowBinary` with `values` as the body; resolves once written. */
  private async bodyInsert(into: string, values: Readable): Promise<void> {
    const { stream } = await this.client.exec({ query: `INSERT INTO ${into} FORMAT RowBinary`, values });
    await new Promise<void>((resolve, reject) => stream.on('end', resolve).on('error', reject).resume());
  }

  /** Small keyed inserts (decisions, watermarks): JSONEachRow lines with the data inline. Not the hot path. */
  async insertJsonEachRow(table: string, body: string): Promise<void> {
    await this.client.command({ query: `INSERT INTO ${table} FORMAT JSONEachRow\n${body}` });
  }

  async close(): Promise<void> {
    await this.client.close();
    this.spool?.close();
  }
}

/** `table (\`a\`, \`b\`)`: an insert's target; both come from the schema, never from input. */
const insertTarget = (table: string, columns: readonly string[]) =>
  `${table} (${columns.map((c) => `\`${c}\``).join(', ')})`;

/** A ClickHouse string literal of our own text (spool paths, table structures). */
const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

const LIMIT_CODES = new Set(['158', '159', '241', '396', '160']);

function classify(err: unknown): unknown {
  if (err instanceof SchedulerBusyError) return new QueryLimitError(err.message);
  const code = (err as { code?: string })?.code;
  if (code && LIMIT_CODES.has(String(code))) {
    return new QueryLimitError(`query exceeded its limits: ${(err as Error).message.split('\n')[0]}`);
  }
  return err;
}
