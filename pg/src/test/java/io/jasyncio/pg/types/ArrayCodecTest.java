package io.jasyncio.pg.types;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.pg.DataError;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Binary array headers from a hostile or broken server: bounded work, a DataError, never a huge allocation. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ArrayCodecTest {
    /** An int4[] header with these dimensions (lower bounds 1) and {@code elements} int4 values of 7. */
    private static byte[] array(int[] dims, int elements) {
        ByteBuffer b = ByteBuffer.allocate(12 + 8 * dims.length + 8 * elements);
        b.putInt(dims.length).putInt(0).putInt(Oid.INT4);
        for (int d : dims) b.putInt(d).putInt(1);
        for (int i = 0; i < elements; i++) b.putInt(4).putInt(7);
        return b.array();
    }

    private static Object decode(byte[] v) {
        return new ArrayCodec(Oid.INT4).decode(v, 0, v.length, new Types());
    }

    @Test
    void wellFormedTwoDimensionalArray() {
        assertEquals(List.of(List.of(7, 7, 7), List.of(7, 7, 7)), decode(array(new int[] {2, 3}, 6)));
    }

    @Test
    void dimensionsWhoseProductOverflowsAreRejected() {
        // (2^31-1)^2 * 4 wraps a long negative: the size check passed, then new Object[2^31-1] (OutOfMemoryError).
        assertThrows(DataError.class, () -> decode(array(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 4}, 0)));
    }

    @Test
    void aZeroDimensionBesideHugeOnesIsRejected() {
        // PostgreSQL sends an empty array as ndim 0; {65536, 65536, 0} claims 0 elements but 65536 x 65536 lists.
        assertThrows(DataError.class, () -> decode(array(new int[] {65536, 65536, 0}, 0)));
    }
}
