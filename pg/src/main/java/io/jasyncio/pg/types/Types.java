package io.jasyncio.pg.types;

import java.util.HashMap;
import java.util.Map;

/**
 * A connection's type registry: the codec for each type OID — a user's codec ({@code setTypeCodec}) first, then
 * one learnt from the server's catalog (domains, enums, composites and arrays of them), then the built-in ones,
 * then the text fallback.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class Types {
    private final Map<Integer, Codec> codecs = new HashMap<>();
    private final Map<Integer, Codec> arrays = new HashMap<>();

    /** The codec for values of type {@code oid}. */
    public Codec codec(int oid) {
        if (!codecs.isEmpty()) {
            Codec c = codecs.get(oid);
            if (c != null) return c;
        }
        Codec c = Codecs.builtin(oid);
        if (c != null) return c;
        int elem = Oid.elementOf(oid);
        if (elem != 0) return arrayOf(oid, elem);
        return Codecs.TEXT_FALLBACK;
    }

    /** Whether {@code oid} has a codec other than the text fallback. */
    public boolean known(int oid) {
        return codecs.containsKey(oid) || Codecs.builtin(oid) != null || Oid.elementOf(oid) != 0;
    }

    /** The array codec for array type {@code arrayOid} of {@code elem}: in text form if its elements are. */
    Codec arrayOf(int arrayOid, int elem) {
        Codec c = arrays.get(arrayOid);
        if (c == null) {
            c = codec(elem).binary() ? new ArrayCodec(elem) : new TextArrayCodec(elem);
            arrays.put(arrayOid, c);
        }
        return c;
    }

    /** Sets the codec of {@code oid} (a user's, or one learnt from the catalog). */
    public void register(int oid, Codec codec) {
        codecs.put(oid, codec);
        arrays.clear(); // an array's format follows its element's
    }

    /** Registers {@code arrayOid} as an array of {@code elementOid}. */
    public void registerArray(int arrayOid, int elementOid) {
        Codec c = codec(elementOid).binary() ? new ArrayCodec(elementOid) : new TextArrayCodec(elementOid);
        codecs.put(arrayOid, c);
    }
}
