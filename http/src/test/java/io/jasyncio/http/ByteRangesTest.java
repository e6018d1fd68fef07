package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ByteRanges}: the Range header's range sets, and the bounds on hostile ones (RFC 9110 section 14.2). */
@Timeout(10)
class ByteRangesTest {
    private static String show(long[][] r) {
        return r == null ? "whole file" : Arrays.deepToString(r);
    }

    private static void parses(String header, long size, String expected) {
        assertEquals(expected, show(ByteRanges.parse(header, size)), header);
    }

    @Test
    void oneRange() {
        parses("bytes=0-4", 20, "[[0, 4]]");
        parses("bytes=-6", 20, "[[14, 19]]");
        parses("bytes=14-", 20, "[[14, 19]]");
        parses("bytes=14-1000", 20, "[[14, 19]]");
        parses("BYTES = 1-1", 20, "whole file"); // the unit is "bytes="
        parses("Bytes=1-1", 20, "[[1, 1]]");
        parses("bytes=20-", 20, "[]");
        parses("bytes=-0", 20, "[]");
        parses("lines=1-2", 20, "whole file");
        parses(null, 20, "whole file");
    }

    @Test
    void severalRangesKeepTheClientsOrderUnlessTheyOverlap() {
        parses("bytes=0-4,7-12", 20, "[[0, 4], [7, 12]]");
        parses("bytes=10-11, 0-1", 20, "[[10, 11], [0, 1]]");
        parses("bytes=0-1,,5-6,", 20, "[[0, 1], [5, 6]]"); // empty list elements are allowed
        parses("bytes=0-1,-2", 20, "[[0, 1], [18, 19]]");
    }

    @Test
    void overlappingOrTouchingRangesAreCoalesced() {
        parses("bytes=0-9,5-14", 100, "[[0, 14]]");
        parses("bytes=10-19,0-9", 100, "[[0, 19]]"); // touching
        parses("bytes=50-59,0-4,3-7", 100, "[[0, 7], [50, 59]]"); // sorted once any overlap
    }

    @Test
    void rangesPastTheEndAreDroppedAndNoneLeftIsUnsatisfiable() {
        parses("bytes=0-1,5000-6000", 1000, "[[0, 1]]");
        parses("bytes=5000-6000,7000-", 1000, "[]");
        parses("bytes=0-", 0, "[]");
    }

    @Test
    void malformedRangesMakeTheWholeHeaderIgnored() {
        for (String h : new String[] {"bytes=5-1", "bytes=-5-10", "bytes=--1", "bytes=1--5", "bytes=-", "bytes=a-b",
                "bytes=0-1,x", "bytes=+1-2", "bytes= 1 - 2 3", "bytes=0x10-0x20", "bytes=", "bytes=,,,", "bytes=1"}) {
            parses(h, 1000, "whole file");
        }
    }

    @Test
    void hugeNumbersAreMalformedOrClipped() {
        parses("bytes=0-99999999999999999999", 1000, "whole file"); // past 18 digits: not a number we take
        parses("bytes=0-999999999999999999", 1000, "[[0, 999]]");
        parses("bytes=999999999999999999-", 1000, "[]");
        parses("bytes=-999999999999999999", 1000, "[[0, 999]]");
        parses("bytes=9223372036854775807-", 1000, "whole file"); // 19 digits
    }

    @Test
    void moreThanMaxRangesIsTheWholeFile() {
        StringBuilder ok = new StringBuilder("bytes=");
        for (int i = 0; i < ByteRanges.MAX_RANGES; i++) ok.append(i == 0 ? "" : ",").append(2 * i).append('-').append(2 * i);
        assertEquals(ByteRanges.MAX_RANGES, ByteRanges.parse(ok.toString(), 1000).length);
        assertNull(ByteRanges.parse(ok + ",500-500", 1000), "one past the bound");
    }

    /** 10,000 ranges (more than a header line may hold: the parser refuses it first) cost at most MAX_RANGES + 1 parses. */
    @Test
    void tenThousandRangesAreIgnoredCheaply() {
        String h = "bytes=" + "0-0,".repeat(10_000);
        assertNull(ByteRanges.parse(h, 1000));
        String distinct = "bytes=" + "1-1,3-3,".repeat(5_000);
        assertNull(ByteRanges.parse(distinct, 1000));
    }

    /** The "Apache Killer" (CVE-2011-3192): many overlapping ranges asking for the file many times over. */
    @Test
    void rangesAskingForMoreThanTheFileAreTheWholeFile() {
        parses("bytes=0-,0-", 1000, "whole file");
        parses("bytes=0-,5-0,5-1,5-2,5-3", 1000, "whole file"); // malformed anyway
        parses("bytes=0-599,400-999", 1000, "whole file"); // 1,200 bytes of a 1,000-byte file
        parses("bytes=0-499,400-899", 1000, "[[0, 899]]"); // 1,000 bytes: coalesced
        parses("bytes=-1000,-1000", 1000, "whole file");
    }
}
