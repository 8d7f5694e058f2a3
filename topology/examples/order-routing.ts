// Example topology (used by tests): orders validated by a JSON schema, filtered, routed by a
// first-match split to three sinks. Only synchronous steps: every output is a pure function of
// the input, which makes it the reference for ordering tests.
import { jsonCodec, StreamsBuilder, type Topology } from '../../src/streams/dsl/index.ts';

export interface Order {
  id: string;
  amount: number;
  country: string;
}

export const ORDERS_TOPIC = 'example.orders';
export const LARGE_TOPIC = 'example.orders.large';
export const DOMESTIC_TOPIC = 'example.orders.domestic';
export const OTHER_TOPIC = 'example.orders.other';
export const ORDERS_DLQ_TOPIC = 'example.orders.dead-letters';

const orderSchema = {
  type: 'object',
  required: ['id', 'amount', 'country'],
  properties: { id: { type: 'string' }, amount: { type: 'number' }, country: { type: 'string', minLength: 2, maxLength: 2 } },
};

export function buildTopology(): Topology {
  const builder = new StreamsBuilder({ applicationId: 'order-routing' });
  const dlq = builder.deadLetterSink('orders-dead-letters', ORDERS_DLQ_TOPIC);
  const routes = builder
    .stream<Order>('orders-source', ORDERS_TOPIC, { codec: jsonCodec<Order>(orderSchema, 'order'), deadLetter: dlq })
    .filter('positive-amount', (order) => order.amount > 0)
    .split('route-orders')
    .branch('large', (order) => order.amount >= 1000)
    .branch('domestic', (order) => order.country === 'NL')
    .defaultBranch('other');
  const codec = jsonCodec<Order>();
  routes.large.to('large-sink', LARGE_TOPIC, { codec });
  routes.domestic.mapValues('tag-domestic', (order) => ({ ...order, id: `nl-${order.id}` })).to('domestic-sink', DOMESTIC_TOPIC, { codec });
  routes.other.to('other-sink', OTHER_TOPIC, { codec });
  return builder.build();
}
