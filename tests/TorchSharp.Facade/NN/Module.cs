// COMPILE-ONLY TEST FIXTURE: declarations of TorchSharp's public API with TorchSharp's names and defaults; never run, never shipped.
// Shapes follow dotnet/TorchSharp src/TorchSharp/NN/Module.cs (hooks, save/load and most members omitted).
using System;
using System.Collections.Generic;
using TorchSharp.Modules;

#nullable enable
namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Base class for all neural network modules.</summary>
            public class Module : IDisposable
            {
                protected Module(string name) => throw null!;
                internal Module(IntPtr handle, IntPtr? boxedHandle, bool ownsHandle = true) => throw null!;

                public void Dispose() => throw null!;
                protected virtual void Dispose(bool disposing) => throw null!;
                public virtual void train(bool train = true) => throw null!;
                public virtual void eval() => throw null!;
                public virtual bool training => throw null!;
                public virtual void zero_grad(bool set_to_none = true) => throw null!;
                public virtual IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true) => throw null!;
                public virtual IEnumerable<Parameter> parameters(bool recurse = true) => throw null!;
                public virtual void register_buffer(string name, Tensor tensor, bool persistent = true) => throw null!;
                public virtual void register_parameter(string name, Parameter param) => throw null!;
                public virtual void register_module(string name, Module submodule) => throw null!;
                protected virtual void RegisterComponents() => throw null!;
                public virtual string GetName() => throw null!;
                protected string? name;
            }

            public class HookableModule<TPreHook, TPostHook> : Module
            {
                protected HookableModule(string name) : base(name) => throw null!;
                protected HookableModule(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;
            }

            public interface IModule<T, TResult>
            {
                public TResult call(T input1);
            }

            public interface IModule<T1, T2, TResult>
            {
                public abstract TResult call(T1 input1, T2 input2);
            }

            public interface IModule<T1, T2, T3, TResult>
            {
                public abstract TResult call(T1 input1, T2 input2, T3 input3);
            }

            public abstract class Module<T, TResult> : HookableModule<Func<Module<T, TResult>, T, T>, Func<Module<T, TResult>, T, TResult, TResult>>, IModule<T, TResult>
            {
                protected Module(string name) : base(name) => throw null!;
                protected Module(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;
                public abstract TResult forward(T input);
                public TResult call(T input) => throw null!;
            }

            public abstract class Module<T1, T2, TResult> : HookableModule<Func<Module<T1, T2, TResult>, T1, T2, (T1, T2)?>, Func<Module<T1, T2, TResult>, T1, T2, TResult, TResult>>, IModule<T1, T2, TResult>
            {
                protected Module(string name) : base(name) => throw null!;
                protected Module(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;
                public abstract TResult forward(T1 input1, T2 input2);
                public TResult call(T1 input1, T2 input2) => throw null!;
            }

            public abstract class Module<T1, T2, T3, TResult> : HookableModule<Func<Module<T1, T2, T3, TResult>, T1, T2, T3, (T1, T2, T3)?>, Func<Module<T1, T2, T3, TResult>, T1, T2, T3, TResult, TResult>>, IModule<T1, T2, T3, TResult>
            {
                protected Module(string name) : base(name) => throw null!;
                protected Module(IntPtr handle, IntPtr boxedHandle) : base(handle, boxedHandle) => throw null!;
                public abstract TResult forward(T1 input1, T2 input2, T3 input3);
                public TResult call(T1 input1, T2 input2, T3 input3) => throw null!;
            }

            public static Parameter Parameter(Tensor data, bool requires_grad = true) => throw null!;
        }
    }

    namespace Modules
    {
        /// <summary>A Tensor that a Module registers as a parameter.</summary>
        public class Parameter : torch.Tensor
        {
            public Parameter(torch.Tensor data, bool requires_grad = true) : base(IntPtr.Zero) => throw null!;
        }
    }
}
