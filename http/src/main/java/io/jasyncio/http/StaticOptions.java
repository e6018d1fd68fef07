package io.jasyncio.http;

/**
 * How {@link Router#addStatic} serves a directory (aiohttp's {@code add_static} keyword arguments).
 *
 * <p>Threading: immutable.
 *
 * @param showIndex answer a directory with an HTML list of its entries (aiohttp's {@code show_index}); off by
 *     default, when a directory is answered 403
 * @param followSymlinks serve files reached through a symbolic link that leads outside the directory (aiohttp's
 *     {@code follow_symlinks}); off by default, when such a file is answered 404 as if it were not there
 */
public record StaticOptions(boolean showIndex, boolean followSymlinks) {
    /** No index, symbolic links kept inside the directory. */
    public static final StaticOptions DEFAULTS = new StaticOptions(false, false);

    /**
     * These options with {@code showIndex} set (aiohttp's {@code show_index}).
     *
     * @param on whether to list directories
     * @return new options
     */
    public StaticOptions withShowIndex(boolean on) {
        return new StaticOptions(on, followSymlinks);
    }

    /**
     * These options with {@code followSymlinks} set (aiohttp's {@code follow_symlinks}).
     *
     * @param on whether to follow symbolic links leading outside the directory
     * @return new options
     */
    public StaticOptions withFollowSymlinks(boolean on) {
        return new StaticOptions(showIndex, on);
    }
}
