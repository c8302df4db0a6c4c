/**
 * `workbench methods`: every method with its parameters (types, defaults, ranges), as the UI forms use them —
 * the `methods.list` answer of the gateway.
 */
import { UsageError, type CliCommand } from '../command.ts';

export const methodsCommand: CliCommand = {
  name: 'methods',
  summary: 'List every metric-learning method with its parameters, types, defaults and ranges.',
  usage: 'workbench methods',
  help: [
    'input: what the method learns from: labels (class labels), pairs (must-link / cannot-link), none.',
    'JSON output: {"methods": [{"name", "title", "description", "input",',
    '  "params": [{"name", "type", "default", "min"?, "max"?, "values"?, "nullable"?, "description", "rule"}]}]}',
  ].join('\n'),
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`Unexpected argument '${ctx.positionals[0]}'.`);
    const { methods } = await ctx.call('methods.list', {});
    const text = methods
      .map((m) => {
        const head = `${m.name} (${m.input}): ${m.title}`;
        const params = m.params.map((p) => `    ${p.name} = ${JSON.stringify(p.default)}   ${p.type}: ${p.rule}. ${p.description}`);
        return [head, ...(params.length ? params : ['    (no parameters)'])].join('\n');
      })
      .join('\n');
    ctx.out({ methods }, text);
    return 0;
  },
};
