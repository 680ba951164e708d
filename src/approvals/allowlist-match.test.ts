import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstMatch, hasControlSyntax, MAX_PATTERN_CHARS, normalizeCommand, parsePattern, patternMatches, patternProblem } from './allowlist-match.js';

test('normalizeCommand: unquoted runs of spaces and tabs are one space, ends trimmed; quoted and escaped text is kept', () => {
  const table: ReadonlyArray<[string, string]> = [
    ['git status', 'git status'],
    ['  git   status  ', 'git status'],
    ['git\tstatus', 'git status'],
    ['git \t  status\t', 'git status'],
    ['\n git status \n', 'git status'],
    ['echo "a  b"', 'echo "a  b"'],
    ["echo 'a \t b'  c", "echo 'a \t b' c"],
    ['echo "it\'s  here"   x', 'echo "it\'s  here" x'],
    ["echo 'say \"hi  there'  x", "echo 'say \"hi  there' x"],
    ['echo a\\  b', 'echo a\\  b'],
    ['echo \\"  b', 'echo \\" b'],
    ['echo "a\\"  b"  c', 'echo "a\\"  b" c'],
    ["echo 'a\\'  b", "echo 'a\\' b"],
    ['a\nb', 'a\nb'],
    ['a \n  b', 'a \n b'],
    ['', ''],
    ['   ', ''],
  ];
  for (const [input, want] of table) assert.equal(normalizeCommand(input), want, JSON.stringify(input));
});

test('hasControlSyntax: every separator, substitution, expansion, redirection, group, escape and control character', () => {
  for (const ch of [';', '&', '|', '`', '$', '<', '>', '(', ')', '\\', '\n', '\r', '\x00', '\x1b', '\x7f']) {
    assert.equal(hasControlSyntax(`git status ${ch} x`), true, JSON.stringify(ch));
  }
  for (const plain of ['git status', 'ls -la /tmp', 'grep -r "a b" .', "echo 'x'", 'cat *.txt', 'git log --format=%H', 'echo ~ # hi', 'a=b c']) {
    assert.equal(hasControlSyntax(plain), false, plain);
  }
});

test('patternProblem: refuses empty, too long, a lone *, shell syntax before *, and * before the last word', () => {
  const table: ReadonlyArray<[string, RegExp | undefined]> = [
    ['git status', undefined],
    ['git status *', undefined],
    ['ls *.txt', undefined],
    ['git status; rm -rf ~', undefined],
    ['  npm   test  *', undefined],
    ['', /empty/],
    ['   ', /empty/],
    ['*', /lone \*/],
    ['  *  ', /lone \*/],
    ['git status; ls *', /shell syntax/],
    ['echo $(id) *', /shell syntax/],
    ['ls > out *', /shell syntax/],
    ['ls *.txt *', /only the last word/],
    ['x'.repeat(MAX_PATTERN_CHARS), undefined],
    ['x'.repeat(MAX_PATTERN_CHARS + 1), /longer than/],
  ];
  for (const [pattern, want] of table) {
    const got = patternProblem(pattern);
    if (want === undefined) assert.equal(got, undefined, pattern);
    else assert.match(got ?? '', want, pattern);
  }
});

test('parsePattern: exact or prefix, normalised', () => {
  assert.deepEqual(parsePattern('  git   status '), { kind: 'exact', text: 'git status' });
  assert.deepEqual(parsePattern('git  status   *'), { kind: 'prefix', text: 'git status *', words: 'git status' });
  assert.deepEqual(parsePattern('ls *.txt'), { kind: 'exact', text: 'ls *.txt' });
  assert.equal(parsePattern('*'), undefined);
  assert.equal(parsePattern(''), undefined);
});

/** [pattern, command, matches]: the whole table of what a pattern covers. */
const MATCHES: ReadonlyArray<[string, string, boolean]> = [
  // exact: the whole command, whitespace-normalised
  ['git status', 'git status', true],
  ['git status', '  git    status ', true],
  ['git status', 'git\tstatus', true],
  ['git status', 'git status -s', false],
  ['git status', 'git statu', false],
  ['git status', 'git', false],
  ['git status', 'git status;', false],
  ['git status', 'git status; rm -rf ~', false],
  ['git status', 'git status\nrm -rf ~', false],
  ['git status', 'git  "status"', false],
  ['git status', 'GIT STATUS', false],
  ['echo "a  b"', 'echo "a  b"', true],
  ['echo "a  b"', 'echo "a b"', false],
  ['ls *.txt', 'ls *.txt', true],
  ['ls *.txt', 'ls a.txt', false],
  // an exact pattern with shell syntax covers exactly that text (the owner approved it as written)
  ['make && make test', 'make && make test', true],
  ['make && make test', 'make && make test && rm -rf ~', false],
  ['make && make test', 'make  &&  make test', true],
  // prefix: the words alone, or followed by a space and arguments
  ['git status *', 'git status', true],
  ['git status *', 'git status -s', true],
  ['git status *', 'git   status   --short  .', true],
  ['git status *', 'git status "a file"', true],
  ['git status *', "git status 'x'", true],
  ['git status *', 'git statusx', false],
  ['git status *', 'git stat', false],
  ['git status *', 'git', false],
  ['git status *', 'git log', false],
  ['git status *', ' xgit status', false],
  ['git status *', 'sudo git status', false],
  ['git status *', 'FOO=1 git status', false],
  ['git status *', 'git "status" -s', false],
  ['git status *', 'git status\u00a0-s', false],
  // a command with shell control syntax never matches a prefix pattern
  ['git status *', 'git status; rm -rf ~', false],
  ['git status *', 'git status ; rm -rf ~', false],
  ['git status *', 'git status && rm -rf ~', false],
  ['git status *', 'git status & rm -rf ~', false],
  ['git status *', 'git status || rm -rf ~', false],
  ['git status *', 'git status | sh', false],
  ['git status *', 'git status `rm -rf ~`', false],
  ['git status *', 'git status $(rm -rf ~)', false],
  ['git status *', 'git status ${HOME}', false],
  ['git status *', 'git status $HOME', false],
  ['git status *', 'git status > ~/.bashrc', false],
  ['git status *', 'git status >> ~/.bashrc', false],
  ['git status *', 'git status < /etc/passwd', false],
  ['git status *', 'git status\nrm -rf ~', false],
  ['git status *', 'git status\rrm -rf ~', false],
  ['git status *', 'git status (x)', false],
  ['git status *', 'git status \\\nrm', false],
  ['git status *', 'git status \\;', false],
  ['git status *', 'git status "; rm -rf ~"', false],
  ['git status *', "git status '$(id)'", false],
  ['git status *', 'git status \x1b[2J', false],
  ['git status *', 'git status \x00', false],
  // refused patterns match nothing
  ['*', 'git status', false],
  ['', 'git status', false],
  ['ls *.txt *', 'ls *.txt a', false],
  // an empty command matches nothing
  ['git status', '', false],
  ['git status *', '   ', false],
];

test('patternMatches: the table of exact and prefix matches, with shell syntax never covered by a wildcard', () => {
  for (const [pattern, command, want] of MATCHES) assert.equal(patternMatches(pattern, command), want, `${JSON.stringify(pattern)} vs ${JSON.stringify(command)}`);
});

test('firstMatch: the first covering pattern, in order, or undefined', () => {
  assert.equal(firstMatch(['ls *', 'git status *', 'git status'], 'git status'), 'git status *');
  assert.equal(firstMatch(['git status', 'git status *'], 'git status'), 'git status');
  assert.equal(firstMatch(['ls *'], 'git status'), undefined);
  assert.equal(firstMatch([], 'git status'), undefined);
});

test('a trailing backslash escapes nothing and is kept as it is', () => {
  assert.equal(normalizeCommand('echo \\'), 'echo \\');
  assert.equal(normalizeCommand('echo  a\\'), 'echo a\\');
  assert.equal(normalizeCommand('\\'), '\\');
  assert.equal(patternMatches('echo \\', 'echo  \\'), true);
});
