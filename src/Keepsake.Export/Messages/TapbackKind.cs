namespace Keepsake.Export.Messages;

/// <summary>The reaction of a tapback: <c>associated_message_type</c> modulo 1000 (2000…2007 added, 3000…3007 removed).</summary>
public enum TapbackKind
{
    Loved = 0,
    Liked = 1,
    Disliked = 2,
    Laughed = 3,
    Emphasized = 4,
    Questioned = 5,
    Emoji = 6,
    Sticker = 7,
}
