/** Small file-system questions shared by the build, the database set-up and the servers. */

/**
 * Whether something exists at `path` (file, directory or a link to one). False only when it is not
 * there; other errors (a permission denied on a parent, say) are thrown, not taken for "missing".
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
