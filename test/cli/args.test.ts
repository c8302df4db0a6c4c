import { describe, expect, it } from 'vitest';
import { extractGlobalFlags, parseCommandArgs } from '../../src-main/cli/args.ts';
import { UsageError } from '../../src-main/cli/command.ts';
import { formatTable } from '../../src-main/cli/format.ts';

describe('extractGlobalFlags', () => {
  it('takes --db, --json and --help out wherever they appear, up to --', () => {
    expect(extractGlobalFlags(['constraints', '--json', 'add', '--db', 'x.sqlite', '--dataset', '1', '--', '--json'])).toEqual({
      db: 'x.sqlite',
      json: true,
      help: false,
      version: false,
      rest: ['constraints', 'add', '--dataset', '1', '--', '--json'],
    });
    expect(extractGlobalFlags(['--db=/tmp/a b.sqlite', 'datasets', '-h'])).toMatchObject({ db: '/tmp/a b.sqlite', help: true, rest: ['datasets'] });
    expect(() => extractGlobalFlags(['datasets', '--db'])).toThrow('Option --db needs a value: --db FILE.');
  });
});

describe('parseCommandArgs', () => {
  const specs = { dataset: { type: 'string', short: 'd' }, yes: { type: 'boolean' }, tag: { type: 'string', multiple: true } } as const;

  it('reads options in both spellings, keeps negative numbers as positionals and honours --', () => {
    expect(parseCommandArgs(['add', '-d', 'iris', '-1', '3', '--tag=a', '--tag', 'b', '--yes', '--', '--not-an-option'], specs)).toEqual({
      values: { dataset: 'iris', tag: ['a', 'b'], yes: true },
      positionals: ['add', '-1', '3', '--not-an-option'],
    });
    expect(parseCommandArgs(['-2.5', '-1e3'], specs).positionals).toEqual(['-2.5', '-1e3']);
  });

  it('refuses unknown options, missing values, values on flags and repeated single options', () => {
    const message = (args: string[]): string => {
      try {
        parseCommandArgs(args, specs);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message(['--colour'])).toBe('Unknown option --colour.');
    expect(message(['-x'])).toBe('Unknown option -x.');
    expect(message(['--dataset'])).toBe('Option --dataset needs a value.');
    expect(message(['--yes=no'])).toBe('Option --yes does not take a value.');
    expect(message(['-d', 'a', '--dataset', 'b'])).toBe('Option --dataset was given more than once.');
  });
});

describe('formatTable', () => {
  it('aligns columns, right-aligning numbers', () => {
    const rows = [
      { id: 1, name: 'iris' },
      { id: 12, name: 'breast_cancer' },
    ];
    expect(formatTable(rows, [{ header: 'ID', value: (r) => r.id, right: true }, { header: 'NAME', value: (r) => r.name }])).toBe(
      ['ID  NAME', '--  -------------', ' 1  iris', '12  breast_cancer'].join('\n'),
    );
    expect(formatTable([], [{ header: 'ID', value: () => 1 }], 'nothing')).toBe('nothing');
  });
});
