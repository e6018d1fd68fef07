package io.jasyncio.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code Content-Type} of a file by its extension: a small built-in table of what web servers serve most
 * (so the answer does not depend on the host's configuration), then {@link Files#probeContentType}, then
 * {@code application/octet-stream}. Text types get {@code charset=utf-8}, as aiohttp's {@code FileResponse}
 * does through Python's {@code mimetypes}.
 *
 * <p>Threading: stateless.
 */
final class MimeTypes {
    private MimeTypes() {}

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("css", "text/css"),
            Map.entry("js", "text/javascript"), Map.entry("mjs", "text/javascript"), Map.entry("txt", "text/plain"),
            Map.entry("csv", "text/csv"), Map.entry("md", "text/markdown"), Map.entry("xml", "text/xml"),
            Map.entry("json", "application/json"), Map.entry("map", "application/json"),
            Map.entry("wasm", "application/wasm"), Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"), Map.entry("tar", "application/x-tar"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"), Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/vnd.microsoft.icon"), Map.entry("avif", "image/avif"),
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"), Map.entry("mp3", "audio/mpeg"), Map.entry("ogg", "audio/ogg"),
            Map.entry("wav", "audio/wav"), Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"),
            Map.entry("bin", "application/octet-stream"));

    /** What {@link Files#probeContentType} said per extension: it may read the system's tables on every call. */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> PROBED = new java.util.concurrent.ConcurrentHashMap<>();
    /** The most extensions remembered (names come from clients: a bound). */
    private static final int MAX_PROBED = 1024;

    /** The content type of {@code file}, with {@code charset=utf-8} for text. */
    static String of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        String type = BY_EXTENSION.get(ext);
        if (type == null && !ext.isEmpty()) type = PROBED.get(ext);
        if (type == null) {
            try {
                type = Files.probeContentType(file);
            } catch (IOException | SecurityException e) {
                type = null; // no detector could tell: the default below
            }
            if (type == null) type = "application/octet-stream";
            if (!ext.isEmpty() && PROBED.size() < MAX_PROBED) PROBED.put(ext, type);
        }
        boolean text = type.startsWith("text/") || type.equals("application/json") || type.equals("image/svg+xml");
        return text && !type.contains("charset") ? type + "; charset=utf-8" : type;
    }
}
