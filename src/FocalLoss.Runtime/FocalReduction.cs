namespace FocalLoss.Runtime
{
    /// <summary>
    /// How the per-element focal loss is reduced. The numeric values equal TorchSharp's
    /// <c>torch.nn.Reduction</c> and the native <c>fl_reduction</c>, so a cast converts between them.
    /// </summary>
    public enum FocalReduction
    {
        /// <summary>No reduction: the result has the shape of the input.</summary>
        None = 0,

        /// <summary>The mean over all elements (or the sum divided by <c>avg_factor</c> when one is given).</summary>
        Mean = 1,

        /// <summary>The sum over all elements.</summary>
        Sum = 2,
    }
}
