package cairn.protocols.nbd.handshake;

import cairn.protocols.nbd.transmission.ExportSession;

import java.util.List;

/** The result of one handshake step: replies to send, then what to do next. */
record Outcome(List<HandshakeReply> replies, Action action, ExportSession session) {

    enum Action { CONTINUE, CLOSE, START_TLS, TRANSMIT }

    static Outcome reply(HandshakeReply... replies) {
        return new Outcome(List.of(replies), Action.CONTINUE, null);
    }

    static Outcome replies(List<HandshakeReply> replies) {
        return new Outcome(List.copyOf(replies), Action.CONTINUE, null);
    }

    static Outcome close(HandshakeReply... replies) {
        return new Outcome(List.of(replies), Action.CLOSE, null);
    }
}
