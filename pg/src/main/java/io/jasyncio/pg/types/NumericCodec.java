package io.jasyncio.pg.types;

import io.jasyncio.pg.DataError;
import io.jasyncio.pg.protocol.Bytes;
import io.jasyncio.pg.protocol.MessageBuffer;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * numeric in binary: ndigits, weight, sign, dscale (int16 each), then ndigits base-10000 digits, the first worth
 * 10000^weight; dscale is the count of decimal digits after the point. NaN and ±Infinity (PostgreSQL 14+) are
 * signs of their own; BigDecimal has no such values, so they read as the Double NaN and infinities (as PgJDBC's
 * getObject) and a Double NaN or infinity is sent as them.
 *
 * <p>Threading: stateless.
 */
final class NumericCodec extends Codecs.Binary {
    static final NumericCodec INSTANCE = new NumericCodec();

    private static final int POS = 0x0000, NEG = 0x4000, NAN = 0xC000, PINF = 0xD000, NINF = 0xF000;
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

    @Override
    public Object decode(byte[] b, int off, int len, Types t) {
        if (len < 8) throw new DataError("invalid numeric value: " + len + " bytes");
        int ndigits = Bytes.getShort(b, off) & 0xffff;
        int weight = Bytes.getShort(b, off + 2);
        int sign = Bytes.getShort(b, off + 4) & 0xffff;
        int dscale = Bytes.getShort(b, off + 6) & 0xffff;
        if (sign == NAN) return Double.NaN;
        if (sign == PINF) return Double.POSITIVE_INFINITY;
        if (sign == NINF) return Double.NEGATIVE_INFINITY;
        if (sign != POS && sign != NEG) throw new DataError("invalid numeric sign 0x" + Integer.toHexString(sign));
        if (len != 8 + 2 * ndigits) throw new DataError("invalid numeric value: " + len + " bytes for " + ndigits + " digits");
        if (ndigits == 0) return BigDecimal.ZERO.setScale(dscale);
        BigInteger unscaled;
        int p = off + 8;
        if (ndigits <= 4) { // up to 16 decimal digits: fits a long
            long v = 0;
            for (int i = 0; i < ndigits; i++) v = v * 10_000 + Bytes.getShort(b, p + 2 * i);
            unscaled = BigInteger.valueOf(v);
        } else {
            unscaled = BigInteger.ZERO;
            int i = 0;
            while (i < ndigits) { // four base-10000 digits at a time
                int n = Math.min(4, ndigits - i);
                long chunk = 0;
                for (int k = 0; k < n; k++) chunk = chunk * 10_000 + Bytes.getShort(b, p + 2 * (i + k));
                unscaled = unscaled.multiply(TEN_THOUSAND.pow(n)).add(BigInteger.valueOf(chunk));
                i += n;
            }
        }
        if (sign == NEG) unscaled = unscaled.negate();
        // The last digit is worth 10000^(weight - ndigits + 1), i.e. a scale of 4 * (ndigits - 1 - weight).
        BigDecimal d = new BigDecimal(unscaled, 4 * (ndigits - 1 - weight));
        return d.scale() == dscale ? d : d.setScale(dscale, java.math.RoundingMode.UNNECESSARY);
    }

    @Override
    public void encode(Object v, MessageBuffer out, Types t) {
        BigDecimal d;
        if (v instanceof BigDecimal x) {
            d = x;
        } else if (v instanceof Double || v instanceof Float) {
            double x = ((Number) v).doubleValue();
            if (Double.isNaN(x)) {
                special(out, NAN);
                return;
            }
            if (Double.isInfinite(x)) {
                special(out, x > 0 ? PINF : NINF);
                return;
            }
            d = BigDecimal.valueOf(x);
        } else if (v instanceof BigInteger x) {
            d = new BigDecimal(x);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            d = BigDecimal.valueOf(((Number) v).longValue());
        } else {
            throw Codecs.expected("BigDecimal or another Number", v);
        }
        encode(d, out);
    }

    private static void special(MessageBuffer out, int sign) {
        out.putShort(0);
        out.putShort(0);
        out.putShort(sign);
        out.putShort(0);
    }

    static void encode(BigDecimal d, MessageBuffer out) {
        int dscale = Math.max(d.scale(), 0);
        if (dscale > 0x3FFF) throw new DataError("numeric value has too many digits after the point: " + dscale);
        BigInteger unscaled = d.unscaledValue();
        int sign = unscaled.signum() < 0 ? NEG : POS;
        String digits = unscaled.abs().toString();
        if (d.scale() < 0) digits = digits + "0".repeat(-d.scale()); // 1E+3 → "1000", scale 0
        // Split at the decimal point, pad both sides to whole groups of four decimal digits.
        int intLen = digits.length() - dscale;
        String intPart = intLen > 0 ? digits.substring(0, intLen) : "";
        String fracPart = intLen > 0 ? digits.substring(intLen) : "0".repeat(-intLen) + digits;
        int intGroups = (intPart.length() + 3) / 4;
        intPart = "0".repeat(intGroups * 4 - intPart.length()) + intPart;
        int fracGroups = (fracPart.length() + 3) / 4;
        fracPart = fracPart + "0".repeat(fracGroups * 4 - fracPart.length());
        String all = intPart + fracPart;
        int n = intGroups + fracGroups;
        short[] groups = new short[n];
        for (int i = 0; i < n; i++) groups[i] = (short) Integer.parseInt(all, 4 * i, 4 * i + 4, 10);
        int first = 0;
        while (first < n && groups[first] == 0) first++;
        int last = n - 1;
        while (last >= first && groups[last] == 0) last--;
        if (first > last) { // zero
            out.putShort(0);
            out.putShort(0);
            out.putShort(POS);
            out.putShort(dscale);
            return;
        }
        int weight = intGroups - 1 - first;
        if (weight > Short.MAX_VALUE || weight < Short.MIN_VALUE) throw new DataError("numeric value out of range: " + d);
        out.putShort(last - first + 1);
        out.putShort(weight);
        out.putShort(sign);
        out.putShort(dscale);
        for (int i = first; i <= last; i++) out.putShort(groups[i]);
    }
}
