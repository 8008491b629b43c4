using System;
using System.Linq;
using System.Reflection;
using FocalLoss.TorchSharp;
using Xunit;
using Reduction = TorchSharp.torch.nn.Reduction;
using Tensor = TorchSharp.torch.Tensor;
using TorchModule = TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>;

namespace FocalLoss.Runtime.Tests
{
    /// <summary>
    /// The TorchSharp layer's public shape, by reflection only: it is compiled against a compile-only
    /// TorchSharp facade whose bodies throw, so nothing here calls into it.
    /// </summary>
    public sealed class TorchSharpSurfaceTests
    {
        private static readonly Assembly Layer = typeof(focal).Assembly;

        [Fact]
        public void SigmoidFocalLoss_HasExactlyOneOverload_InTheWholeAssembly()
        {
            MethodInfo[] all = Layer.GetExportedTypes()
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                .Where(m => m.Name == "sigmoid_focal_loss")
                .ToArray();
            MethodInfo m = Assert.Single(all);
            Assert.Equal(typeof(focal), m.DeclaringType);
            Assert.True(m.IsStatic);
            Assert.Equal("FocalLoss.TorchSharp", typeof(focal).Namespace);
            Assert.True(typeof(focal).IsAbstract && typeof(focal).IsSealed, "focal should be a static class");
        }

        [Fact]
        public void SigmoidFocalLoss_ParametersNamesOrderTypesAndDefaults()
        {
            MethodInfo m = typeof(focal).GetMethod("sigmoid_focal_loss")!;
            Assert.Equal(typeof(Tensor), m.ReturnType);
            ParameterInfo[] p = m.GetParameters();
            Assert.Equal(
                new[] { "input", "target", "alpha", "gamma", "reduction", "weight", "avg_factor" },
                p.Select(x => x.Name).ToArray());
            Assert.Equal(
                new[] { typeof(Tensor), typeof(Tensor), typeof(double), typeof(double), typeof(Reduction), typeof(Tensor), typeof(double?) },
                p.Select(x => x.ParameterType).ToArray());

            Assert.False(p[0].HasDefaultValue);
            Assert.False(p[1].HasDefaultValue);
            Assert.Equal(0.25, Assert.IsType<double>(p[2].DefaultValue));
            Assert.Equal(2.0, Assert.IsType<double>(p[3].DefaultValue));
            Assert.True(p[4].HasDefaultValue);
            Assert.Equal((long)Reduction.None, Convert.ToInt64(p[4].DefaultValue));
            Assert.True(p[5].HasDefaultValue);
            Assert.Null(p[5].DefaultValue);
            Assert.True(p[6].HasDefaultValue);
            Assert.Null(p[6].DefaultValue);
        }

        [Fact]
        public void Reduction_IsTorchSharpsNnReduction_WithTheRuntimeValues()
        {
            Assert.Equal("TorchSharp.torch+nn+Reduction", typeof(Reduction).FullName);
            Assert.Equal("TorchSharp", typeof(Reduction).Assembly.GetName().Name);
            foreach (FocalReduction r in Enum.GetValues<FocalReduction>())
            {
                Assert.True(Enum.TryParse(r.ToString(), out Reduction torchSharp), $"nn.Reduction lacks {r}");
                Assert.Equal((long)r, (long)torchSharp);
            }

            Assert.Equal(Enum.GetValues<FocalReduction>().Length, Enum.GetValues<Reduction>().Length);
        }

        [Fact]
        public void Module_DerivesFromTorchSharpModuleOfTensorTensorTensor()
        {
            Type module = typeof(FocalLoss.TorchSharp.Modules.SigmoidFocalLoss);
            Assert.Equal(typeof(TorchModule), module.BaseType);
            Assert.True(module.IsSealed);

            MethodInfo forward = module.GetMethod("forward", new[] { typeof(Tensor), typeof(Tensor) })!;
            Assert.NotNull(forward);
            Assert.Equal(typeof(TorchModule), forward.GetBaseDefinition().DeclaringType);
            Assert.Equal(new[] { "input", "target" }, forward.GetParameters().Select(p => p.Name).ToArray());
            Assert.Equal(typeof(Tensor), forward.ReturnType);
        }

        [Fact]
        public void Module_OptionsAndDefaults()
        {
            Type module = typeof(FocalLoss.TorchSharp.Modules.SigmoidFocalLoss);
            ConstructorInfo ctor = Assert.Single(module.GetConstructors());
            ParameterInfo[] p = ctor.GetParameters();
            Assert.Equal(new[] { "alpha", "gamma", "reduction", "weight" }, p.Select(x => x.Name).ToArray());
            Assert.Equal(new[] { typeof(double), typeof(double), typeof(Reduction), typeof(Tensor) }, p.Select(x => x.ParameterType).ToArray());
            Assert.Equal(0.25, p[0].DefaultValue);
            Assert.Equal(2.0, p[1].DefaultValue);
            Assert.Equal((long)Reduction.Mean, Convert.ToInt64(p[2].DefaultValue));
            Assert.Null(p[3].DefaultValue);

            foreach (string name in new[] { "alpha", "gamma", "reduction", "weight" })
            {
                Assert.NotNull(module.GetProperty(name));
            }

            MethodInfo factory = typeof(focal).GetMethod("SigmoidFocalLoss")!;
            Assert.Equal(module, factory.ReturnType);
            Assert.Equal(p.Select(x => (x.Name, x.ParameterType)), factory.GetParameters().Select(x => (x.Name, x.ParameterType)));
        }

        [Fact]
        public void PlainCall_BindsWithoutAmbiguity_ToTheOneOverload()
        {
            // These lambdas compile only if `sigmoid_focal_loss(x, t)` binds to one overload (TorchSharp's own
            // torchvision.ops float/double pair is ambiguous, CS0121). They are never invoked; their IL is
            // inspected to confirm which method the compiler bound.
            Func<Tensor, Tensor, Tensor> plain = (x, t) => focal.sigmoid_focal_loss(x, t);
            Func<Tensor, Tensor, Tensor> named = (x, t) => focal.sigmoid_focal_loss(x, t, gamma: 1.5, reduction: Reduction.Mean, avg_factor: 4.0);
            MethodInfo expected = typeof(focal).GetMethod("sigmoid_focal_loss")!;
            Assert.Equal(expected, Assert.Single(CalledMethods(plain.Method)));
            Assert.Equal(expected, Assert.Single(CalledMethods(named.Method)));
        }

        private static MethodBase[] CalledMethods(MethodInfo method)
        {
            byte[] il = method.GetMethodBody()!.GetILAsByteArray()!;
            var found = new System.Collections.Generic.List<MethodBase>();
            for (int i = 0; i + 4 < il.Length; i++)
            {
                if (il[i] == 0x28) // call <token>
                {
                    int token = BitConverter.ToInt32(il, i + 1);
                    try
                    {
                        MethodBase? callee = method.Module.ResolveMethod(token);
                        if (callee != null && callee.Name == "sigmoid_focal_loss")
                        {
                            found.Add(callee);
                        }
                    }
                    catch (ArgumentException)
                    {
                        // Not a method token at this offset (the byte was an operand, not an opcode).
                    }
                }
            }

            return found.ToArray();
        }
    }
}
