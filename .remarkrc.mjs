// Written by `renkei schema` (src/schema.rs) beside schemas/: do not edit, run it again.
// Checks the front matter of content/**/*.md against schemas/*.json, in VS Code (the remark
// extension, unifiedjs.vscode-remark) and on the command line (npx remark content --quiet).
// Needs, once, in this folder: npm ci (package.json).
import remarkFrontmatter from 'remark-frontmatter';
import remarkLintFrontmatterSchema from 'remark-lint-frontmatter-schema';

const schemas = {
  "./schemas/wards.json": ["content/wards/[!_]*.md", "content/wards/*/index*.md"],
  "./schemas/prefectures.json": ["content/prefectures/[!_]*.md", "content/prefectures/*/index*.md"],
  "./schemas/municipalities.json": ["content/municipalities/[!_]*.md", "content/municipalities/*/index*.md"],
  "./schemas/events.json": ["content/events/[!_]*.md", "content/events/*/index*.md"],
  "./schemas/exhibits.json": ["content/exhibits/[!_]*.md", "content/exhibits/*/index*.md"],
  "./schemas/news.json": ["content/news/[!_]*.md", "content/news/*/index*.md"],
  "./schemas/facilities.json": ["content/facilities/[!_]*.md", "content/facilities/*/index*.md"],
  "./schemas/agreements.json": ["content/agreements/[!_]*.md", "content/agreements/*/index*.md"],
  "./schemas/meetings.json": ["content/meetings/[!_]*.md", "content/meetings/*/index*.md"],
  "./schemas/partners.json": ["content/partners/[!_]*.md", "content/partners/*/index*.md"],
  "./schemas/page.json": ["content/*.md", "content/*/index*.md", "content/*/_index*.md"],
};

// The schemas' integers say "uint32" as their format, which the validator does not know.
const formats = {
  uint32: { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32 },
};

// The rule places a wrong value at its line, but an unknown field of the top level (a misspelt
// name) nowhere and without its name, and a missing field nowhere: this names the first and puts
// it at the field's line, and puts the second at the opening `---`.
function placeUnknownFields() {
  return (tree, file) => {
    const yaml = tree.children.find((node) => node.type === 'yaml');
    if (!yaml || !yaml.position) return;
    const first = yaml.position.start.line;
    const lines = yaml.value.split(/\r?\n/);
    for (const message of file.messages) {
      if (message.ruleId !== 'frontmatter-schema' || message.place || message.position) continue;
      const field = message.schema && message.schema.params && message.schema.params.additionalProperty;
      if (typeof field === 'string') {
        message.reason = message.reason.replace(' • ', `: \`${field}\` • `);
        message.message = message.reason;
      }
      const index = typeof field === 'string'
        ? lines.findIndex((line) => line.split(':')[0].trim().replace(/^["']|["']$/g, '') === field && !/^[\s-]/.test(line))
        : -1;
      const line = index >= 0 ? first + 1 + index : first;
      const length = index >= 0 ? lines[index].indexOf(':') : 3;
      message.place = { start: { line, column: 1 }, end: { line, column: length + 1 } };
      message.line = line;
      message.column = 1;
    }
  };
}

export default {
  plugins: [
    remarkFrontmatter,
    [remarkLintFrontmatterSchema, ['error', { schemas, ajvOptions: { formats } }]],
    placeUnknownFields,
  ],
};
