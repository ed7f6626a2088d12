package cairn.protocols.nbd.transmission;

import cairn.protocols.nbd.NbdContext;
import io.netty.channel.ChannelPipeline;

/** Installs the transmission-phase handlers after a named handler (the handshake decoder being replaced). */
public final class TransmissionPipeline {
    private TransmissionPipeline() {}

    public static void install(ChannelPipeline pipeline, String after, NbdContext context, ExportSession session) {
        pipeline.addAfter(after, RequestDecoder.NAME, new RequestDecoder());
        pipeline.addAfter(RequestDecoder.NAME, ReplyEncoder.NAME, new ReplyEncoder());
        pipeline.addAfter(ReplyEncoder.NAME, TransmissionHandler.NAME, new TransmissionHandler(context, session));
    }
}
