// The house's import rule (DESIGN.md), in the manner of VS Code's code-layering: every file
// belongs to the layer named by its top folder, and a layer may import only the layers the
// matrix allows. A path says where code runs and with what privilege, so an import that
// crosses the line the wrong way is an error, not a style question.
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * layer → what it may import. `layers`: top folders (or folder/file prefixes) it may reach
 * by relative import; `node`: may use Node's built-in modules; `electron`: may import the
 * `electron` module as a value (types are always fine); `packages`: bare specifiers it may
 * not use (by regex).
 */
export const MATRIX = {
  common: { layers: ['common'], node: false, forbid: /^(electron|ws|react|react-dom)$/, why: 'common/ is pure: every side and the renderer import it' },
  node: { layers: ['common', 'node', 'root-helper/protocol.ts'], node: true, forbid: /^(react|react-dom|monaco-editor)$/, why: 'node/ is the unprivileged Node side: it reaches the root helper only through its protocol' },
  cli: { layers: ['common', 'node', 'cli'], node: true, forbid: /^(react|react-dom)$/, why: 'cli/ is the terminal shell over node/' },
  'electron-main': { layers: ['common', 'node', 'electron-main'], node: true, electron: true, why: 'electron-main/ is the Electron shell over node/' },
  'electron-preload': { layers: ['common/contract/names.ts', 'common/contract/names.js'], node: false, electron: true, forbid: /^zod$/, why: 'the sandboxed preload knows only the contract\'s names' },
  // The root helper shares with the app only small Node plumbing, none of it with zod: the
  // addon's wrapper (optional), bpftrace's version, the enlarged output pipe, the script limit.
  'root-helper': {
    layers: ['root-helper', 'common/bpftrace', 'node/native.ts', 'node/engine/bpftrace-binary.ts', 'node/engine/output-pipe.ts', 'node/engine/script-limits.ts'],
    node: true,
    forbid: /^(zod|ws|react|electron)$/,
    why: 'root-helper/ runs as root: small, no zod, nothing of the app but its plumbing',
  },
  renderer: { layers: ['common', 'renderer'], node: false, forbid: /^(electron|ws)$/, why: 'renderer/ is sandboxed: it reaches the app only through common/contract' },
};

const BUILTIN = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function layerOf(rel) {
  const top = rel.split('/')[0];
  return Object.hasOwn(MATRIX, top) ? top : null;
}

function allowedTarget(rules, target) {
  return rules.layers.some((l) => /\.[jt]s$/.test(l)
    ? target.replace(/\.js$/, '.ts') === l.replace(/\.js$/, '.ts')
    : target === l || target.startsWith(`${l}/`));
}

export const layeringRule = {
  meta: { type: 'problem', schema: [], messages: { layer: '{{from}} may not import {{what}}: {{why}}.' } },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const layer = layerOf(file);
    // Tests may reach test/support and anything they test; the rule is for what ships.
    if (!layer || /\.test\.tsx?$/.test(file)) return {};
    const rules = MATRIX[layer];
    const check = (node, spec, typeOnly) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
        if (!allowedTarget(rules, target)) context.report({ node, messageId: 'layer', data: { from: `${layer}/`, what: target, why: rules.why } });
        return;
      }
      if (typeOnly) return;
      if (spec === 'electron') {
        if (!rules.electron) context.report({ node, messageId: 'layer', data: { from: `${layer}/`, what: "'electron' (import type only)", why: 'only electron-main/ and electron-preload/ start Electron' } });
        return;
      }
      if (BUILTIN.has(spec) || BUILTIN.has(spec.split('/')[0])) {
        if (!rules.node) context.report({ node, messageId: 'layer', data: { from: `${layer}/`, what: `Node's ${spec}`, why: rules.why } });
        return;
      }
      if (rules.forbid && rules.forbid.test(spec)) context.report({ node, messageId: 'layer', data: { from: `${layer}/`, what: spec, why: rules.why } });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value, n.importKind === 'type'),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value, n.exportKind === 'type'),
      ExportAllDeclaration: (n) => check(n, n.source.value, n.exportKind === 'type'),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value, false),
      CallExpression: (n) => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') check(n, n.arguments[0].value, false);
      },
    };
  },
};

export default { rules: { layering: layeringRule } };
