// The console's pure functions (ui/app.js), under node without a browser:
// the Prometheus text parsing behind the throughput, the .properties and
// JSON parsing of the editor, which keys are masked.
import assert from 'node:assert/strict';
import test from 'node:test';
import { niceMax, parseMetrics, parseLabels, parseProperties, parseInput, isSecretKey, displayValue } from '../../ui/app.js';

test('per-connector sums of the write and send counters', () => {
  const text = [
    '# HELP kafka_connect_source_task_metrics_source_record_write_total records written',
    '# TYPE kafka_connect_source_task_metrics_source_record_write_total counter',
    'kafka_connect_source_task_metrics_source_record_write_total{connector="bookstore",task="0"} 10',
    'kafka_connect_source_task_metrics_source_record_write_total{task="1",connector="bookstore"} 5.0',
    'kafka_connect_source_task_metrics_source_record_write_total{connector="book\\"s\\\\tore",task="0"} 1e3',
    'kafka_connect_sink_task_metrics_sink_record_send_total{connector="sink",task="0"} 7',
    'kafka_connect_source_task_metrics_source_record_poll_total{connector="bookstore",task="0"} 99',
    'kafka_connect_sink_task_metrics_sink_record_send_total{connector="sink",task="1"} NaN',
    '',
  ].join('\n');
  assert.deepEqual(parseMetrics(text), { bookstore: 15, 'book"s\\tore': 1000, sink: 7 });
  assert.deepEqual(parseLabels('a="x,y",b="\\n"'), { a: 'x,y', b: '\n' });
});

test('.properties: separators, comments, continuations, escapes', () => {
  const p = parseProperties([
    '# comment', '! also', '  name = demo', 'connector.class:FileStreamSource',
    'tasks.max 2', 'topics=a,\\', '    b', 'path=C:\\\\data', 'uni=\\u00e9', 'empty=',
    'key\\=with\\:seps=v',
  ].join('\n'));
  assert.deepEqual(p, {
    name: 'demo', 'connector.class': 'FileStreamSource', 'tasks.max': '2',
    topics: 'a,b', path: 'C:\\data', uni: 'é', empty: '', 'key=with:seps': 'v',
  });
});

test('editor input: {name, config}, a bare map, properties, errors', () => {
  assert.deepEqual(parseInput('{"name":"n","config":{"tasks.max":3,"a":true}}'),
    { name: 'n', config: { 'tasks.max': '3', a: 'true' } });
  assert.deepEqual(parseInput('{"connector.class":"X","name":"m"}'),
    { name: 'm', config: { 'connector.class': 'X', name: 'm' } });
  assert.deepEqual(parseInput('name=p\nconnector.class=Y'), { name: 'p', config: { name: 'p', 'connector.class': 'Y' } });
  assert.ok(parseInput('{"a":').error.startsWith('JSON'));
  assert.ok(parseInput('[1]').error);
  assert.ok(parseInput('   ').empty);
});

test('secret-looking keys are masked, provider references are not', () => {
  for (const k of ['sasl.password', 'ssl.key.password', 'aws.secret.access.key', 'api.key', 'auth.token',
    'db.credentials', 'sasl.jaas.config', 'my_apikey'])
    assert.ok(isSecretKey(k), k);
  for (const k of ['key.converter', 'key.ignore', 'tasks.max', 'genkp.book.with', 'topic', 'monkey.count'])
    assert.ok(!isSecretKey(k), k);
  assert.equal(displayValue('sasl.password', 'hunter2'), '••••••••');
  assert.equal(displayValue('sasl.password', '${file:/etc/s.properties:pw}'), '${file:/etc/s.properties:pw}');
  assert.equal(displayValue('topic', 'x'), 'x');
});

test('graph scale: a round number at or above the top', () => {
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(28.7), 50);
  assert.equal(niceMax(40.8), 50);
  assert.equal(niceMax(100), 100);
  assert.equal(niceMax(101), 200);
  assert.equal(niceMax(0.3), 0.5);
});
