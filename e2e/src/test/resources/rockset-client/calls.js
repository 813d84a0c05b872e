// Rockset's own JavaScript client (@rockset/client 0.9.2 from npm, unchanged) against the query front: every call
// the front serves, and a few it answers with an error. FrontIT installs the client and runs this script as
//   node calls.js <front base URL> <API key> <workspace holding customers>
// and reads the one JSON object it prints. A call that fails unexpectedly ends the script with exit code 1.
const rockset = require('@rockset/client').default;

const [host, key, workspace] = process.argv.slice(2);
const client = rockset(key, host);

// The client throws the error body the server answered, parsed; that body is what a test looks at.
async function failure(call) {
  try {
    await call;
    return { unexpected: 'success' };
  } catch (e) {
    return e;
  }
}

(async () => {
  const out = {};
  out.query = await client.queries.query({ sql: { query: 'SELECT count(*) AS n FROM commons.orders' } });
  out.join = await client.queries.query({
    sql: {
      query: `SELECT count(*) AS n FROM orders o JOIN "${workspace}".customers c ON o.customerId = c.id WHERE o.total > :min`,
      parameters: [{ name: 'min', type: 'int', value: '500' }],
    },
  });
  out.validate = await client.queries.validate({ sql: { query: 'SELECT * FROM orders WHERE total > :min' } });
  out.collections = await client.collections.listCollections();
  out.workspaceCollections = await client.collections.workspaceCollections(workspace);
  out.collection = await client.collections.getCollection(workspace, 'customers');
  out.workspaces = await client.workspaces.listWorkspaces();
  out.workspace = await client.workspaces.getWorkspace('commons');
  out.async = await client.queries.query({
    async: true,
    async_options: { client_timeout_ms: 30000, max_initial_results: 5 },
    sql: { query: 'SELECT orderId FROM commons.orders ORDER BY orderId' },
  });
  out.asyncInfo = await client.queries.getQuery(out.async.query_id);
  out.asyncPage = await client.queries.getQueryResults(out.async.query_id, out.async.pagination.next_cursor, 10);
  out.active = await client.queries.listActiveQueries();
  out.cancelEnded = await client.queries.cancelQuery(out.async.query_id);
  out.unknownQuery = await failure(client.queries.getQuery('no-such-query'));
  // A query that runs for minutes, cancelled while it runs: on the front, and on the worker it went to.
  const slow = await client.queries.query({
    async: true,
    sql: { query: 'SELECT count(*) AS n FROM orders a, orders b, orders c, orders d, orders e WHERE a.total + b.total + c.total + d.total + e.total >= 0' },
  });
  out.slowStarted = slow;
  out.slowActive = await client.queries.listActiveQueries();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  out.slowCancelled = await client.queries.cancelQuery(slow.query_id);
  out.slowAfter = await client.queries.getQuery(slow.query_id);
  out.parseError = await failure(client.queries.query({ sql: { query: 'SELECT * FROM' } }));
  out.notFound = await failure(client.collections.getCollection('commons', 'nothing'));
  out.lambdas = await client.queryLambdas.listAllQueryLambdas();
  out.workspaceLambdas = await client.queryLambdas.listQueryLambdasInWorkspace('commons');
  out.lambdaVersions = await client.queryLambdas.listQueryLambdaVersions('commons', 'big-orders');
  out.lambdaVersion = await client.queryLambdas.getQueryLambdaVersion('commons', 'big-orders', '1');
  out.lambdaTags = await client.queryLambdas.listQueryLambdaTags('commons', 'big-orders');
  out.lambdaTag = await client.queryLambdas.getQueryLambdaTagVersion('commons', 'big-orders', 'prod');
  out.lambdaByVersion = await client.queryLambdas.executeQueryLambda('commons', 'big-orders', '1', {});
  out.lambdaByTag = await client.queryLambdas.executeQueryLambdaByTag('commons', 'big-orders', 'latest', {
    parameters: [{ name: 'min', type: 'int', value: '900' }],
  });
  out.lambdaCreate = await failure(
    client.queryLambdas.createQueryLambda('commons', { name: 'x', sql: { query: 'SELECT 1' } }));
  out.views = await client.views.listViews();
  out.viewQuery = await client.queries.query({ sql: { query: 'SELECT count(*) AS n FROM commons.paid' } });
  out.viewCreate = await failure(client.views.createView('commons', { name: 'x', query: 'SELECT 1' }));
  out.unserved = await failure(client.users.listUsers());
  out.managed = await failure(client.collections.createCollection('commons', { name: 'returns' }));
  out.badKey = await failure(rockset('not-the-key', host).queries.query({ sql: { query: 'SELECT 1' } }));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error('a call failed:', JSON.stringify(e));
  process.exit(1);
});
