package io.jasyncio.http;

/**
 * Turns values into JSON text and back, for {@link Web#jsonResponse(int, Object, JsonCodec)} and
 * {@link Request#json(JsonCodec)} (aiohttp's {@code dumps=} and {@code loads=} arguments). The http module
 * depends on no JSON library: {@link #builtin()} handles maps, lists, strings, numbers, booleans, null and
 * records; plug in a library by implementing the two methods, e.g. with Jackson:
 * <pre>{@code
 * ObjectMapper mapper = new ObjectMapper();
 * JsonCodec jackson = new JsonCodec() {
 *     public String encode(Object v) throws Exception { return mapper.writeValueAsString(v); }
 *     public Object decode(String text) throws Exception { return mapper.readValue(text, Object.class); }
 * };
 * }</pre>
 *
 * <p>Threading: an implementation is shared by every request of a server: it must be safe to call from any
 * thread (the built-in one is stateless).
 */
public interface JsonCodec {
    /**
     * {@code value} as JSON text; an exception when it cannot be represented.
     *
     * @param value the value to encode
     * @return the JSON text
     * @throws Exception if {@code value} cannot be represented as JSON
     */
    String encode(Object value) throws Exception;

    /**
     * The value {@code text} holds; an exception when it is not JSON.
     *
     * @param text the JSON text
     * @return the decoded value
     * @throws Exception if {@code text} is not JSON
     */
    Object decode(String text) throws Exception;

    /**
     * The module's own codec: see {@link Json}.
     *
     * @return the built-in codec
     */
    static JsonCodec builtin() {
        return Json.CODEC;
    }
}
