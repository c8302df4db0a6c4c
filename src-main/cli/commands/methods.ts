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
    'input: what the method learns from: labels (class labels), pairs (must-link / cannot-link), chunklets (groups',
    'known to share a class: the must-link components of your pairs), triplets (relative comparisons, see',
    '`workbench comparisons`), quadruplets (from comparisons and pairs), targets (regression), none. Sources:',
    'where it can take them from (--constraints labeled|generated, sweeps also suggested).',
    'JSON output: {"methods": [{"name", "title", "description", "input",',
    '  "supervision": {"noun", "whatToLabel", "sources", "labeledFrom", "supported"},',
    '  "params": [{"name", "type", "default", "min"?, "max"?, "values"?, "nullable"?, "description", "rule"}]}]}',
  ].join('\n'),
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`Unexpected argument '${ctx.positionals[0]}'.`);
    const { methods } = await ctx.call('methods.list', {});
    const text = methods
      .map((m) => {
        const head = `${m.name} (${m.input}): ${m.title}`;
        const s = m.supervision;
        const learns = `    learns from ${s.noun}${s.sources.length ? ` · sources: ${s.sources.join(', ')}` : ''}${s.supported ? '' : ' · not supported by this version'}`;
        const params = m.params.map((p) => `    ${p.name} = ${JSON.stringify(p.default)}   ${p.type}: ${p.rule}. ${p.description}`);
        return [head, learns, ...(params.length ? params : ['    (no parameters)'])].join('\n');
      })
      .join('\n');
    ctx.out({ methods }, text);
    return 0;
  },
};
