// Rockset's own JavaScript client (@rockset/client 0.9.2 from npm, unchanged) writing query lambdas and views
// through a query front that allows writes. FrontIT runs it as
//   node writes.js <front base URL> <key with role manage> <key with role query>
// and reads the one JSON object it prints. A call that fails unexpectedly ends the script with exit code 1.
const rockset = require('@rockset/client').default;

const [host, key, queryKey] = process.argv.slice(2);
const client = rockset(key, host);

async function failure(call) {
  try {
    await call;
    return { unexpected: 'success' };
  } catch (e) {
    return e;
  }
}

const byStatus = (query) => ({
  query,
  default_parameters: [{ name: 'status', type: 'string', value: 'PAID' }],
});

(async () => {
  const out = {};
  out.created = await client.queryLambdas.createQueryLambda('commons', {
    name: 'by-status',
    description: 'orders of one status',
    sql: byStatus('SELECT count(*) AS n FROM orders WHERE status = :status'),
  });
  out.updated = await client.queryLambdas.updateQueryLambda('commons', 'by-status', {
    sql: byStatus('SELECT count(*) AS n, sum(total) AS total FROM orders WHERE status = :status'),
  });
  out.tagged = await client.queryLambdas.createQueryLambdaTag('commons', 'by-status', { tag_name: 'prod', version: '1' });
  out.byProd = await client.queryLambdas.executeQueryLambdaByTag('commons', 'by-status', 'prod', {
    parameters: [{ name: 'status', type: 'string', value: 'SHIPPED' }],
  });
  out.byLatest = await client.queryLambdas.executeQueryLambdaByTag('commons', 'by-status', 'latest', {});
  out.versions = await client.queryLambdas.listQueryLambdaVersions('commons', 'by-status');
  out.untagged = await client.queryLambdas.deleteQueryLambdaTag('commons', 'by-status', 'prod');
  out.tagsAfter = await client.queryLambdas.listQueryLambdaTags('commons', 'by-status');
  out.versionDeleted = await client.queryLambdas.deleteQueryLambdaVersion('commons', 'by-status', '1');
  out.lastVersion = await failure(client.queryLambdas.deleteQueryLambdaVersion('commons', 'by-status', '2'));
  // A deleted version's number is never given again: a client pinned to it would run other SQL.
  out.third = await client.queryLambdas.updateQueryLambda('commons', 'by-status', {
    sql: byStatus('SELECT count(*) AS n FROM orders WHERE status = :status AND total > 0'),
  });
  out.thirdDeleted = await client.queryLambdas.deleteQueryLambdaVersion('commons', 'by-status', '3');
  out.fourth = await client.queryLambdas.updateQueryLambda('commons', 'by-status', {
    sql: byStatus('SELECT count(*) AS n FROM orders WHERE status = :status AND total >= 0'),
  });
  out.elsewhere = await failure(client.views.createView('elsewhere', { name: 'x', query: 'SELECT 1' }));
  out.duplicate = await failure(client.queryLambdas.createQueryLambda('commons', {
    name: 'by-status', sql: { query: 'SELECT 1' },
  }));
  out.badSql = await failure(client.queryLambdas.createQueryLambda('commons', {
    name: 'broken', sql: { query: 'SELECT * FROM' },
  }));
  out.badName = await failure(client.queryLambdas.createQueryLambda('commons', {
    name: 'Top_Orders', sql: { query: 'SELECT 1' },
  }));
  out.queryKey = await failure(rockset(queryKey, host).queryLambdas.createQueryLambda('commons', {
    name: 'not-mine', sql: { query: 'SELECT 1' },
  }));
  out.lambdaDeleted = await client.queryLambdas.deleteQueryLambda('commons', 'by-status');
  out.lambdaGone = await failure(client.queryLambdas.listQueryLambdaVersions('commons', 'by-status'));

  out.viewCreated = await client.views.createView('commons', {
    name: 'shipped', description: 'shipped orders', query: "SELECT * FROM orders WHERE status = 'SHIPPED'",
  });
  out.viewQuery = await client.queries.query({ sql: { query: 'SELECT count(*) AS n FROM commons.shipped' } });
  out.viewUpdated = await client.views.updateView('commons', 'shipped', {
    query: "SELECT * FROM orders WHERE status = 'PAID'",
  });
  out.viewQueryAfter = await client.queries.query({ sql: { query: 'SELECT count(*) AS n FROM commons.shipped' } });
  out.viewDeleted = await client.views.deleteView('commons', 'shipped');
  out.viewGone = await failure(client.views.getView('commons', 'shipped'));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error('a call failed:', JSON.stringify(e));
  process.exit(1);
});
