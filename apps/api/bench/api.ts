import postgres from 'postgres';
import { canonicalJson } from '../src/rest/canonical-json.js';
import type { BenchConfig } from './config.js';
import { benchApiKey, removeBenchCustomers, type BenchDatabase } from './database.js';
import { explainAll, explainTargets, keyLines } from './explain.js';
import { runLoad, type LoadResult } from './load.js';
import type { Measurement } from './report.js';
import { buildScenarios, rareFragment, type Scenario } from './scenarios.js';
import { startApi, startCeiling, type RunningServer } from './servers.js';

/**
 * The API's part of `pnpm bench`: seed (or reuse) the 1M/10M database, run the real API server
 * and the bare ceiling server side by side, load each scenario on both with the same requests,
 * and explain every list/search/analytics query.
 */
const COMMON_FRAGMENT = 'lovelace';
const LIST_PAGES = 1_000;

export interface ApiBenchReport {
  database: { name: string; reused: boolean; seed: BenchDatabase['state'] };
  measurements: Measurement[];
  plans: { name: string; statement: string; plan: string[]; keyLines: string[] }[];
}

/** `scenarioNames`: the scenarios to run, all when empty. */
export async function runApiBench(
  config: BenchConfig,
  database: BenchDatabase,
  scenarioNames: string[],
  log: (line: string) => void,
): Promise<ApiBenchReport> {
  const { state } = database;
  const scope = { accountId: state.accountId, livemode: false };
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });

  const removeCreatedCustomers = () => removeBenchCustomers(sql, scope.accountId);
  await removeCreatedCustomers();

  const secret = await benchApiKey(database.url, scope.accountId);
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };

  const sample = await sql<{ id: string; email: string; name: string; phone: string | null }[]>`
    select id, email, name, phone from customers
    where account_id = ${scope.accountId} and livemode = false and deleted_at is null
    order by random() limit 1000`;
  const servers: RunningServer[] = [];
  try {
    const api = await startApi(database.url);
    servers.push(api);
    const ceiling = await startCeiling(database.url, scope.accountId, config.ceilingAuth);
    servers.push(ceiling);
    log(`api on ${api.url}, ceiling on ${ceiling.url}`);

    // The cursor of page 1,000 is found the way a client finds it: by walking the pages.
    let cursorId = '';
    for (let pageNumber = 1; pageNumber < LIST_PAGES; pageNumber += 1) {
      const query = cursorId ? `?startingAfter=${cursorId}` : '';
      const response = await fetch(`${api.url}/v1/customers${query}`, { headers });
      const body = (await response.json()) as { data: { id: string }[] };
      const last = body.data.at(-1);
      if (!response.ok || !last) throw new Error(`walking the list failed on page ${pageNumber}`);
      cursorId = last.id;
    }
    log(`walked ${LIST_PAGES - 1} pages to the cursor of page ${LIST_PAGES}`);

    const scenarios = buildScenarios({
      runTag: Date.now().toString(36),
      sample,
      cursorId,
      commonFragment: COMMON_FRAGMENT,
      heavyCustomerId: state.heavyCustomerId,
      heavyCustomerPayments: state.heavyCustomerPayments,
    }).filter((s) => scenarioNames.length === 0 || scenarioNames.includes(s.name));

    const sameAnswers = await compareAnswers(scenarios, api, ceiling, headers, log);

    const measure = async (scenario: Scenario, connections: number): Promise<Measurement> => {
      const results: Record<string, LoadResult> = {};
      for (const server of [api, ceiling]) {
        const run = (seconds: number) =>
          runLoad({
            url: server.url,
            connections,
            seconds,
            headers,
            next: scenario.requests(server.name),
          });
        if (config.warmup > 0) await run(config.warmup);
        results[server.name] = await run(config.duration);
      }
      const apiResult = results.api as LoadResult;
      const ceilingResult = results.ceiling as LoadResult;
      const measurement: Measurement = {
        scenario: scenario.name,
        label: scenario.label,
        connections,
        api: apiResult,
        ceiling: ceilingResult,
        ratio: apiResult.requestsPerSecond / ceilingResult.requestsPerSecond,
        sameAnswer: sameAnswers[scenario.name] ?? null,
      };
      log(
        `${scenario.name} @${connections}: api ${apiResult.requestsPerSecond.toFixed(0)} req/s p50 ${apiResult.p50.toFixed(2)} ms, ceiling ${ceilingResult.requestsPerSecond.toFixed(0)} req/s p50 ${ceilingResult.p50.toFixed(2)} ms (${(measurement.ratio * 100).toFixed(0)}%)`,
      );
      return measurement;
    };

    // Reads first, at full and at one connection; the POSTs last, since they add rows.
    const reads = scenarios.filter((s) => s.name !== 'create');
    // One pass over every read before measuring anything: otherwise the first scenario measures the
    // API's JIT warming up (a fresh process ran GET-by-id at half the rate it reached a minute later).
    for (const scenario of reads) {
      for (const server of [api, ceiling]) {
        await runLoad({
          url: server.url,
          connections: config.connections,
          seconds: Math.max(config.warmup, 1),
          headers,
          next: scenario.requests(server.name),
        });
      }
    }
    const measurements: Measurement[] = [];
    for (const scenario of reads) measurements.push(await measure(scenario, config.connections));
    for (const scenario of reads.filter((s) => s.oneConnection)) {
      measurements.push(await measure(scenario, 1));
    }
    for (const scenario of scenarios.filter((s) => s.name === 'create')) {
      measurements.push(await measure(scenario, config.connections));
    }

    // The POSTed rows would sit at the head of every list: gone before the plans are taken.
    await removeCreatedCustomers();
    log('explaining the queries');
    const sampled = sample[0];
    if (!sampled) throw new Error('no customers sampled');
    const plans = await explainAll(
      database.url,
      scope,
      explainTargets({
        cursorId,
        commonFragment: COMMON_FRAGMENT,
        rareFragment: rareFragment(sampled.name),
        email: sampled.email,
        phone: sampled.phone,
        customerId: sampled.id,
        heavyCustomerId: state.heavyCustomerId,
      }),
    );
    return {
      database: { name: database.name, reused: database.reused, seed: state },
      measurements,
      plans: plans.map((p) => ({ ...p, keyLines: keyLines(p.plan) })),
    };
  } finally {
    for (const server of servers) await server.stop();
    await removeCreatedCustomers();
    await sql.end();
  }
}

/** One request per read scenario to each server: the ceiling must answer what the API answers. */
async function compareAnswers(
  scenarios: Scenario[],
  api: RunningServer,
  ceiling: RunningServer,
  headers: Record<string, string>,
  log: (line: string) => void,
): Promise<Record<string, boolean>> {
  const same: Record<string, boolean> = {};
  for (const scenario of scenarios.filter((s) => s.name !== 'create')) {
    const request = scenario.requests('compare')();
    const [fromApi, fromCeiling] = await Promise.all(
      [api, ceiling].map(async (server) => {
        const response = await fetch(`${server.url}${request.path}`, { headers });
        return { status: response.status, body: await response.json() };
      }),
    );
    same[scenario.name] =
      fromApi?.status === 200 && canonicalJson(fromApi) === canonicalJson(fromCeiling);
    if (!same[scenario.name]) {
      log(`warning: ${scenario.name} answers differ: ${JSON.stringify([fromApi, fromCeiling])}`);
    }
  }
  return same;
}
