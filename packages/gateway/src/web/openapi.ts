/**
 * The OpenAPI 3.1 description of the read-only HTTP API, written by hand and served at
 * `GET /api/v1/openapi.json`. A test checks that its paths and the app's routes agree both ways.
 */

const json = (schema: object, description: string): object => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string): object => ({ $ref: `#/components/schemas/${name}` });

const NOT_FOUND = json(ref('Error'), 'Unknown meter id');

export function openApiDocument(version: string): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Smart Meter Interop',
      version,
      summary: 'Latest meter readings, gateway status, a live event stream and Prometheus metrics (read-only, local network).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    paths: {
      '/api/v1/meters': {
        get: {
          operationId: 'listMeters',
          summary: 'Latest snapshot of every meter (the JSON `smi decode` prints)',
          responses: { '200': json({ type: 'array', items: ref('MeterSnapshot') }, 'One snapshot per meter, in the order the meters were first seen') },
        },
      },
      '/api/v1/meters/{id}': {
        get: {
          operationId: 'getMeter',
          summary: 'Latest snapshot of one meter',
          parameters: [{ name: 'id', in: 'path', required: true, description: 'Meter id (`meter.id` of a snapshot)', schema: { type: 'string' } }],
          responses: { '200': json(ref('MeterSnapshot'), 'The snapshot'), '404': NOT_FOUND },
        },
      },
      '/api/v1/status': {
        get: {
          operationId: 'getStatus',
          summary: 'Gateway status: version, MQTT connection, frame counters per source, push targets (header values redacted)',
          responses: { '200': json(ref('Status'), 'The status') },
        },
      },
      '/api/v1/events': {
        get: {
          operationId: 'streamEvents',
          summary: 'Server-Sent Events: one `snapshot` event (data: a MeterSnapshot as JSON) per decoded frame, a comment line every 15 s',
          responses: {
            '200': { description: 'An event stream that stays open', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            '503': json(ref('Error'), 'Too many open event streams'),
          },
        },
      },
      '/api/v1/openapi.json': {
        get: { operationId: 'getOpenApi', summary: 'This document', responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1 document') } },
      },
      '/metrics': {
        get: {
          operationId: 'getMetrics',
          summary: 'Prometheus text exposition format 0.0.4: readings as gauges (counters for total_increasing quantities) and gateway health',
          responses: { '200': { description: 'Metrics', content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } } },
        },
      },
    },
    components: {
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
        Reading: {
          type: 'object',
          required: ['key', 'name', 'quantity', 'value'],
          properties: {
            obis: { type: 'string', description: 'Canonical OBIS code A-B:C.D.E (absent for records without one)' },
            key: { type: 'string', description: 'Stable key, unique within a snapshot (energy_import_total)' },
            name: { type: 'string' },
            quantity: { type: 'string', description: 'energy, power, voltage, gas_volume, timestamp, text, …' },
            value: { type: ['number', 'string', 'boolean', 'null'] },
            unit: { type: 'string', description: 'Published unit (kWh, W, m³, …)' },
            channel: { type: 'integer' },
            storage: { type: 'integer' },
            tariff: { type: 'integer' },
            subunit: { type: 'integer' },
            time: { type: 'string', format: 'date-time', description: 'Capture time when it differs from the snapshot time' },
            raw: { type: 'string' },
            entries: { type: 'array', items: { type: 'object' } },
            enabledByDefault: { type: 'boolean' },
          },
        },
        MeterSnapshot: {
          type: 'object',
          required: ['protocol', 'meter', 'readings'],
          properties: {
            protocol: { type: 'string', enum: ['dsmr', 'iec62056-21', 'sml', 'dlms', 'mbus', 'modbus'] },
            meter: {
              type: 'object',
              required: ['id'],
              properties: {
                id: { type: 'string' },
                manufacturerId: { type: 'string' },
                manufacturer: { type: 'string' },
                model: { type: 'string' },
                version: { type: 'string' },
                medium: { type: 'string' },
                identification: { type: 'string' },
              },
            },
            time: { type: 'string', format: 'date-time', description: 'Meter time, when the frame carries one' },
            receivedAt: { type: 'string', format: 'date-time', description: 'When the gateway received the frame' },
            readings: { type: 'array', items: ref('Reading') },
            devices: {
              type: 'array',
              items: { type: 'object', properties: { channel: { type: 'integer' }, medium: { type: 'string' }, id: { type: 'string' } } },
            },
          },
        },
        Status: {
          type: 'object',
          required: ['version', 'mqtt', 'totals', 'sources'],
          properties: {
            version: { type: 'string' },
            mqtt: { type: 'object', properties: { url: { type: 'string' }, connected: { type: 'boolean' }, embeddedBroker: { type: 'boolean' } } },
            totals: { type: 'object' },
            sources: { type: 'array', items: { type: 'object' } },
            push: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  name: { type: 'string' },
                  url: { type: 'string', description: 'Without user info and query' },
                  headers: { type: 'object', additionalProperties: { const: '***' } },
                  sent: { type: 'integer' },
                  failed: { type: 'integer' },
                  dropped: { type: 'integer' },
                  queued: { type: 'integer' },
                  lastError: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
      },
    },
  };
}
