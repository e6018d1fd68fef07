package io.jasyncio.http.h2;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose engines count the plaintext they encrypt ({@code wrap}'s bytes consumed), so a test
 * can see how much was encrypted between two loop iterations. Everything else is the real context's.
 */
final class WrapCountingTls {
    private WrapCountingTls() {}

    /** {@code real}, with every engine it makes adding what it encrypts to {@code wrapped}. */
    static SSLContext counting(SSLContext real, AtomicLong wrapped) {
        SSLContextSpi spi = new SSLContextSpi() {
            @Override
            protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
                throw new UnsupportedOperationException("already initialised");
            }

            @Override
            protected SSLSocketFactory engineGetSocketFactory() {
                return real.getSocketFactory();
            }

            @Override
            protected SSLServerSocketFactory engineGetServerSocketFactory() {
                return real.getServerSocketFactory();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine() {
                return new Counting(real.createSSLEngine(), wrapped);
            }

            @Override
            protected SSLEngine engineCreateSSLEngine(String host, int port) {
                return new Counting(real.createSSLEngine(host, port), wrapped);
            }

            @Override
            protected SSLSessionContext engineGetServerSessionContext() {
                return real.getServerSessionContext();
            }

            @Override
            protected SSLSessionContext engineGetClientSessionContext() {
                return real.getClientSessionContext();
            }
        };
        return new SSLContext(spi, real.getProvider(), real.getProtocol()) {};
    }

    /** An engine that delegates everything and counts what {@code wrap} consumes. */
    private static final class Counting extends SSLEngine {
        private final SSLEngine e;
        private final AtomicLong wrapped;

        Counting(SSLEngine e, AtomicLong wrapped) {
            super(e.getPeerHost(), e.getPeerPort());
            this.e = e;
            this.wrapped = wrapped;
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int off, int len, ByteBuffer dst) throws SSLException {
            SSLEngineResult r = e.wrap(srcs, off, len, dst);
            wrapped.addAndGet(r.bytesConsumed());
            return r;
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int off, int len) throws SSLException {
            return e.unwrap(src, dsts, off, len);
        }

        @Override public Runnable getDelegatedTask() { return e.getDelegatedTask(); }
        @Override public void closeInbound() throws SSLException { e.closeInbound(); }
        @Override public boolean isInboundDone() { return e.isInboundDone(); }
        @Override public void closeOutbound() { e.closeOutbound(); }
        @Override public boolean isOutboundDone() { return e.isOutboundDone(); }
        @Override public String[] getSupportedCipherSuites() { return e.getSupportedCipherSuites(); }
        @Override public String[] getEnabledCipherSuites() { return e.getEnabledCipherSuites(); }
        @Override public void setEnabledCipherSuites(String[] s) { e.setEnabledCipherSuites(s); }
        @Override public String[] getSupportedProtocols() { return e.getSupportedProtocols(); }
        @Override public String[] getEnabledProtocols() { return e.getEnabledProtocols(); }
        @Override public void setEnabledProtocols(String[] p) { e.setEnabledProtocols(p); }
        @Override public SSLSession getSession() { return e.getSession(); }
        @Override public SSLSession getHandshakeSession() { return e.getHandshakeSession(); }
        @Override public void beginHandshake() throws SSLException { e.beginHandshake(); }
        @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() { return e.getHandshakeStatus(); }
        @Override public void setUseClientMode(boolean m) { e.setUseClientMode(m); }
        @Override public boolean getUseClientMode() { return e.getUseClientMode(); }
        @Override public void setNeedClientAuth(boolean b) { e.setNeedClientAuth(b); }
        @Override public boolean getNeedClientAuth() { return e.getNeedClientAuth(); }
        @Override public void setWantClientAuth(boolean b) { e.setWantClientAuth(b); }
        @Override public boolean getWantClientAuth() { return e.getWantClientAuth(); }
        @Override public void setEnableSessionCreation(boolean b) { e.setEnableSessionCreation(b); }
        @Override public boolean getEnableSessionCreation() { return e.getEnableSessionCreation(); }
        @Override public SSLParameters getSSLParameters() { return e.getSSLParameters(); }
        @Override public void setSSLParameters(SSLParameters p) { e.setSSLParameters(p); }
        @Override public String getApplicationProtocol() { return e.getApplicationProtocol(); }
        @Override public String getHandshakeApplicationProtocol() { return e.getHandshakeApplicationProtocol(); }

        @Override
        public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> s) {
            e.setHandshakeApplicationProtocolSelector(s == null ? null : (eng, l) -> s.apply(this, l));
        }

        @Override
        public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
            return e.getHandshakeApplicationProtocolSelector();
        }
    }
}
