/**
 * The small part of the Node-RED runtime API these nodes use (Node-RED ships no TypeScript
 * types, and @types/node-red is not a dependency of this repository).
 */

export interface NodeMessage {
  payload?: unknown;
  topic?: string;
  _msgid?: string;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

/** Per output: one message, several (an array), or `null` to leave that output silent. */
export type NodeOutput = NodeMessage | null | (NodeMessage | NodeMessage[] | null)[];

export interface NodeInstance<Credentials = Record<string, never>> {
  readonly id: string;
  credentials?: Partial<Credentials>;
  on(event: 'input', listener: (msg: NodeMessage, send: (out: NodeOutput) => void, done: (err?: Error) => void) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  send(out: NodeOutput): void;
  status(status: NodeStatus): void;
  log(message: string): void;
  warn(message: string): void;
  error(message: string | Error, msg?: NodeMessage): void;
}

export interface NodeDef {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
}

export interface CredentialsDef {
  readonly [name: string]: { readonly type: 'text' | 'password' };
}

export interface NodeAPI {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    registerType<D extends NodeDef, C>(type: string, constructor: (this: NodeInstance<C>, def: D) => void, options?: { credentials?: CredentialsDef }): void;
  };
  util: {
    cloneMessage<T extends NodeMessage>(msg: T): T;
  };
}

/** Decryption keys, stored by Node-RED as credentials (never in the flow JSON). */
export interface KeyCredentials {
  key: string;
  authKey: string;
}

export const KEY_CREDENTIALS: CredentialsDef = { key: { type: 'password' }, authKey: { type: 'password' } };
