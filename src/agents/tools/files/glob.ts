/**
 * A glob as a RegExp over `/`-separated relative paths: `*` is any run within one path segment, `**` any run
 * across segments (`**\/` also matches no folder), `?` one character, `{a,b}` either; the rest is literal.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  re += ')'.repeat(depth);
  return new RegExp(`^${re}$`);
}

/** Whether a relative path matches a glob: one without `/` matches the file name, one with `/` the whole path. */
export function globMatches(glob: RegExp, hasSlash: boolean, relPath: string): boolean {
  return glob.test(hasSlash ? relPath : relPath.slice(relPath.lastIndexOf('/') + 1));
}
