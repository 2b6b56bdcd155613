// The bpftrace language for Monaco: Monarch tokens and the kscope-dark theme. Data only
// (no Monaco import), so the word lists can be tested and reused by completion later.

export const probeTypes = [
  'tracepoint', 'rawtracepoint', 'kprobe', 'kretprobe', 'uprobe', 'uretprobe', 'usdt',
  'profile', 'interval', 'software', 'hardware', 'watchpoint', 'asyncwatchpoint',
  'kfunc', 'kretfunc', 'fentry', 'fexit', 'iter', 'self',
];
/** Short aliases bpftrace accepts for probe types. */
export const probeAliases = ['t', 'rt', 'k', 'kr', 'u', 'ur', 'U', 's', 'h', 'w', 'aw', 'p', 'i', 'f', 'fr', 'it'];
export const specialProbes = ['BEGIN', 'END'];

export const keywords = [
  'if', 'else', 'unroll', 'while', 'for', 'return', 'break', 'continue', 'let', 'macro',
  'import', 'config', 'struct', 'union', 'enum', 'sizeof', 'offsetof',
];

export const builtins = [
  'pid', 'tid', 'uid', 'gid', 'nsecs', 'elapsed', 'numaid', 'cpu', 'ncpus', 'comm', 'kstack',
  'ustack', 'args', 'retval', 'func', 'probe', 'curtask', 'rand', 'cgroup', 'cpid', 'jiffies',
  'username', 'name', 'usermode', 'ctx', '__builtin_elapsed',
];

export const functions = [
  'printf', 'time', 'join', 'str', 'buf', 'ksym', 'usym', 'kaddr', 'uaddr', 'reg', 'system',
  'exit', 'cgroupid', 'ntop', 'pton', 'kstack', 'ustack', 'cat', 'signal', 'override',
  'strncmp', 'strcontains', 'sizeof', 'offsetof', 'print', 'clear', 'zero', 'delete', 'has_key',
  'len', 'count', 'sum', 'avg', 'min', 'max', 'stats', 'hist', 'lhist', 'tseries', 'strftime',
  'path', 'macaddr', 'cgroup_path', 'bswap', 'skboutput', 'unwatch', 'debugf', 'errorf',
  'warnf', 'percpu_kaddr', 'nsecs', 'kptr', 'uptr', 'strerror', 'socket_cookie',
];

// Monarch's own types, written out so this module needs no Monaco import.
type Rule = [RegExp, unknown] | [RegExp, unknown, string] | { include: string };
export interface MonarchLanguage {
  defaultToken: string;
  tokenPostfix: string;
  brackets: { open: string; close: string; token: string }[];
  tokenizer: Record<string, Rule[]>;
  [key: string]: unknown;
}

const probeTypeAlt = [...probeTypes, ...probeAliases].sort((a, b) => b.length - a.length).join('|');
/** A probe spec: type, ':' and a target (paths, wildcards, sub-fields), up to a space, '{' or ','. */
export const probeSpec = new RegExp(`(${probeTypeAlt})(:)((?:[^\\s{},/]|/(?=[\\w.*\\-]))*)`);

export const bpftraceLanguage: MonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.bt',
  keywords,
  builtins,
  functions,
  specialProbes,
  brackets: [
    { open: '{', close: '}', token: 'delimiter.curly' },
    { open: '[', close: ']', token: 'delimiter.square' },
    { open: '(', close: ')', token: 'delimiter.parenthesis' },
  ],
  tokenizer: {
    // Top level: preprocessor lines, probe lists, filters, then a block.
    root: [
      [/^\s*#!.*$/, 'comment'],
      [/^\s*#\s*(include|define|undef|ifdef|ifndef|endif|if|else)\b.*$/, 'keyword.preprocessor'],
      { include: '@whitespace' },
      [/\b(BEGIN|END)\b/, 'type.probe'],
      [probeSpec, ['type.probe', 'delimiter.probe', 'type.probe.target']],
      [/\b(config|macro|import|struct|union|enum)\b/, 'keyword'],
      [/\/(?=\s*[^\s*/])/, { token: 'delimiter.filter', next: '@filter' }],
      [/\{/, { token: 'delimiter.curly', next: '@block' }],
      [/,/, 'delimiter'],
      [/[*?]/, 'type.probe.target'],
      { include: '@expression' },
    ],
    filter: [
      { include: '@whitespace' },
      [/\//, { token: 'delimiter.filter', next: '@pop' }],
      { include: '@expression' },
    ],
    block: [
      { include: '@whitespace' },
      [/\{/, { token: 'delimiter.curly', next: '@push' }],
      [/\}/, { token: 'delimiter.curly', next: '@pop' }],
      { include: '@expression' },
    ],
    expression: [
      [/@[A-Za-z_]\w*/, 'variable.map'],
      [/@/, 'variable.map'],
      [/\$\d+/, 'variable.positional'],
      [/\$#/, 'variable.positional'],
      [/\$[A-Za-z_]\w*/, 'variable.scratch'],
      [/\barg\d+\b/, 'predefined'],
      [/\bsarg\d+\b/, 'predefined'],
      [
        /[A-Za-z_]\w*(?=\s*\()/,
        { cases: { '@functions': 'support.function', '@keywords': 'keyword', '@default': 'identifier.call' } },
      ],
      [
        /[A-Za-z_]\w*/,
        { cases: { '@keywords': 'keyword', '@builtins': 'predefined', '@default': 'identifier' } },
      ],
      [/0[xX][0-9a-fA-F_]+/, 'number.hex'],
      [/\d[\d_]*(\.\d+)?([eE][-+]?\d+)?(ns|us|ms|s|m|h|d|[kKmMgGtT])?\b/, 'number'],
      [/"/, { token: 'string.quote', next: '@string' }],
      [/'[^\\']'/, 'string'],
      [/'\\.'/, 'string'],
      [/->|\./, 'delimiter.member'],
      [/[;,]/, 'delimiter'],
      [/[{}()[\]]/, '@brackets'],
      [/[=><!~?:&|+\-*/^%]+/, 'operator'],
    ],
    string: [
      [/[^\\"%]+/, 'string'],
      [/%[-+ #0]*\d*(\.\d+)?(hh|h|ll|l|z|j|t)?[diouxXeEfgGcsprkK%]/, 'string.format'],
      [/%/, 'string'],
      [/\\./, 'string.escape'],
      [/"/, { token: 'string.quote', next: '@pop' }],
    ],
    whitespace: [
      [/[ \t\r\n]+/, ''],
      [/\/\*/, 'comment', '@comment'],
      [/\/\/.*$/, 'comment'],
    ],
    comment: [
      [/[^/*]+/, 'comment'],
      [/\*\//, 'comment', '@pop'],
      [/[/*]/, 'comment'],
    ],
  },
};

export const languageConfiguration = {
  comments: { lineComment: '//', blockComment: ['/*', '*/'] as [string, string] },
  brackets: [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ] as [string, string][],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string'] },
    { open: '/*', close: ' */', notIn: ['string'] },
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '(', close: ')' },
    { open: '"', close: '"' },
  ],
};

/** Colours of the UI, shared by the Monaco theme and the CSS. */
export const palette = {
  bg: '#14161b',
  panel: '#1a1d23',
  lineHighlight: '#1f232b',
  text: '#d6dae2',
  muted: '#7d8594',
};

export const kscopeDarkTheme = {
  base: 'vs-dark' as const,
  inherit: true,
  rules: [
    { token: '', foreground: 'd6dae2' },
    { token: 'type.probe', foreground: '4fc1ff', fontStyle: 'bold' },
    { token: 'delimiter.probe', foreground: '4fc1ff' },
    { token: 'type.probe.target', foreground: '9cdcfe' },
    { token: 'keyword', foreground: 'c586c0' },
    { token: 'keyword.preprocessor', foreground: '8f9bff' },
    { token: 'predefined', foreground: '4ec9b0' },
    { token: 'support.function', foreground: 'dcdcaa' },
    { token: 'identifier.call', foreground: 'c8c8a0' },
    { token: 'identifier', foreground: 'd6dae2' },
    { token: 'variable.map', foreground: 'ff9e64', fontStyle: 'bold' },
    { token: 'variable.scratch', foreground: 'e5c07b' },
    { token: 'variable.positional', foreground: 'f07178' },
    { token: 'string', foreground: 'ce9178' },
    { token: 'string.quote', foreground: 'ce9178' },
    { token: 'string.escape', foreground: 'd7ba7d' },
    { token: 'string.format', foreground: '56b6c2' },
    { token: 'number', foreground: 'b5cea8' },
    { token: 'number.hex', foreground: 'b5cea8' },
    { token: 'comment', foreground: '6a9955', fontStyle: 'italic' },
    { token: 'delimiter.filter', foreground: 'd19a66', fontStyle: 'bold' },
    { token: 'delimiter.member', foreground: 'a0a8b8' },
    { token: 'operator', foreground: 'a0a8b8' },
    { token: 'delimiter', foreground: '8a92a2' },
  ],
  colors: {
    'editor.background': palette.bg,
    'editor.foreground': palette.text,
    'editor.lineHighlightBackground': palette.lineHighlight,
    'editor.lineHighlightBorder': '#00000000',
    'editorLineNumber.foreground': '#4a5160',
    'editorLineNumber.activeForeground': '#a9b1c0',
    'editorGutter.background': palette.bg,
    'editor.selectionBackground': '#2b4a77',
    'editor.inactiveSelectionBackground': '#25334a',
    'editorCursor.foreground': '#5ab0ff',
    'editorIndentGuide.background1': '#262a33',
    'editorWhitespace.foreground': '#2f3540',
    'editorError.foreground': '#ff5c5c',
    'editorWarning.foreground': '#e5b449',
    'editorWidget.background': '#1d2027',
    'editorWidget.border': '#2c313b',
    'editorHoverWidget.background': '#1d2027',
    'editorHoverWidget.border': '#2c313b',
    'scrollbarSlider.background': '#3a404c66',
    'scrollbarSlider.hoverBackground': '#4a515e99',
    'editorOverviewRuler.border': '#00000000',
    'editorSuggestWidget.background': '#1d2027',
    'editorSuggestWidget.border': '#353b47',
    'editorSuggestWidget.foreground': '#d6dae2',
    'editorSuggestWidget.selectedBackground': '#2b4a77',
    'editorSuggestWidget.highlightForeground': '#62a3ff',
    'editorSuggestWidget.focusHighlightForeground': '#9cc5ff',
    'editorHoverWidget.foreground': '#d6dae2',
    'textCodeBlock.background': '#14161b',
    'textLink.foreground': '#62a3ff',
  },
};
