// nunjucks' parser module (nunjucks 3.x, untyped). Used only to list the filters a template uses.
declare module 'nunjucks/src/parser' {
  export function parse(src: string): unknown;
}
