namespace Keepsake.Repository;

/// <summary>The two kinds of blobs: file content and directory trees. They live in separate packs.</summary>
public enum BlobType
{
    /// <summary>A chunk of file content.</summary>
    Data,

    /// <summary>A tree (directory listing) as JSON.</summary>
    Tree,
}
